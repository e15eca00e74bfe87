//! Hugo shortcodes in a page body, translated to what Charter renders.
//!
//! `ref` and `relref` become `@/` links (checked by `charter build`); `figure`, `youtube`,
//! `vimeo`, `gist`, `tweet`/`x`, `instagram`, `highlight`, `details`, `comment` and `param` become
//! the Markdown or HTML Hugo would have produced. Any other shortcode is left for a person: a
//! paired one keeps its inner content between two HTML comments holding the tags, a single one
//! becomes one HTML comment holding the call; each use is returned so the report can list it.
//! Resolving link targets and parameters is the caller's (see [`Context`]).

use super::report::LeftoverUse;
use super::{attr_escape, comment_safe};

/// What the translation needs from the rest of the import.
pub struct Context<'a> {
    /// `ref`/`relref` argument (path, maybe with `#anchor`) -> `@/content/path.md#anchor`.
    pub resolve_ref: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// `param` name -> its value as text, from the page or the site.
    pub param: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

/// A converted body and what it could not convert.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Converted {
    pub text: String,
    /// Shortcodes left for a person.
    pub leftovers: Vec<LeftoverUse>,
    /// `ref`/`relref` targets not found: (line, target).
    pub unresolved: Vec<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open {
        name: String,
        args: Args,
        self_closing: bool,
        markdown: bool,
    },
    Close {
        name: String,
    },
    /// `{{</* … */>}}`: printed literally without the comment marks.
    Escaped(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Args {
    positional: Vec<String>,
    named: Vec<(String, String)>,
}

impl Args {
    fn get(&self, name: &str, position: Option<usize>) -> Option<&str> {
        self.named
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .or_else(|| position.and_then(|p| self.positional.get(p).map(String::as_str)))
    }
}

#[derive(Debug, Clone)]
struct Token {
    start: usize,
    end: usize,
    tok: Tok,
}

/// Translates every shortcode in `body`. `first_line` is the file line of the body's first line.
pub fn convert(body: &str, first_line: usize, ctx: &Context<'_>) -> Converted {
    if !body.contains("{{<") && !body.contains("{{%") {
        return Converted { text: body.to_string(), ..Default::default() };
    }
    let mut out = Converted::default();
    out.text = render(body, 0, first_line, ctx, &mut out.leftovers, &mut out.unresolved);
    out
}

fn render(
    text: &str,
    base: usize,
    first_line: usize,
    ctx: &Context<'_>,
    left: &mut Vec<LeftoverUse>,
    unresolved: &mut Vec<(usize, String)>,
) -> String {
    let tokens = tokenize(text);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut i = 0;
    let line_at = |offset: usize| first_line + text[..offset].matches('\n').count() + base;
    while i < tokens.len() {
        let t = &tokens[i];
        out.push_str(&text[pos..t.start]);
        let raw = &text[t.start..t.end];
        match &t.tok {
            Tok::Escaped(inner) => {
                out.push_str(inner);
                pos = t.end;
                i += 1;
            }
            Tok::Close { name } => {
                // A closing tag without its opening: keep it visible to a person.
                left.push(LeftoverUse { name: format!("/{name}"), line: line_at(t.start) });
                out.push_str(&format!("<!-- hugo: {} -->", comment_safe(raw)));
                pos = t.end;
                i += 1;
            }
            Tok::Open { name, args, self_closing, markdown } => {
                let close = if *self_closing { None } else { find_close(&tokens, i, name) };
                let line = line_at(t.start);
                match close {
                    Some(c) => {
                        let inner_raw = &text[t.end..tokens[c].start];
                        let close_raw = &text[tokens[c].start..tokens[c].end];
                        let inner_base = base + text[..t.end].matches('\n').count();
                        let replaced = paired(name, args, *markdown, inner_raw, line, ctx)
                            .unwrap_or_else(|| {
                                let inner = render(
                                    inner_raw, inner_base, first_line, ctx, left, unresolved,
                                );
                                match name.as_str() {
                                    "details" => details(args, &inner),
                                    "comment" => format!("<!-- {} -->", comment_safe(&inner)),
                                    _ => {
                                        left.push(LeftoverUse { name: name.clone(), line });
                                        format!(
                                            "<!-- hugo: {} -->{}<!-- hugo: {} -->",
                                            comment_safe(raw),
                                            inner,
                                            comment_safe(close_raw)
                                        )
                                    }
                                }
                            });
                        out.push_str(&replaced);
                        pos = tokens[c].end;
                        i = c + 1;
                    }
                    None => {
                        let replaced =
                            single(name, args, ctx).unwrap_or_else(|| match name.as_str() {
                                "ref" | "relref" => {
                                    let target =
                                        args.get("path", Some(0)).unwrap_or("").to_string();
                                    unresolved.push((line, target.clone()));
                                    target
                                }
                                _ => {
                                    left.push(LeftoverUse { name: name.clone(), line });
                                    format!("<!-- hugo: {} -->", comment_safe(raw))
                                }
                            });
                        out.push_str(&replaced);
                        pos = t.end;
                        i += 1;
                    }
                }
            }
        }
    }
    out.push_str(&text[pos..]);
    out
}

/// The index of the closing tag matching the opening tag at `open`, counting nested openings
/// of the same name.
fn find_close(tokens: &[Token], open: usize, name: &str) -> Option<usize> {
    let mut depth = 0;
    for (j, t) in tokens.iter().enumerate().skip(open + 1) {
        match &t.tok {
            Tok::Open { name: n, self_closing: false, .. } if n == name => depth += 1,
            Tok::Close { name: n } if n == name => {
                if depth == 0 {
                    return Some(j);
                }
                depth -= 1;
            }
            _ => {}
        }
    }
    None
}

/// Paired built-ins whose inner text is taken raw (not translated further).
fn paired(
    name: &str,
    args: &Args,
    _markdown: bool,
    inner: &str,
    _line: usize,
    _ctx: &Context<'_>,
) -> Option<String> {
    match name {
        "highlight" => {
            let lang = args.get("lang", Some(0)).unwrap_or("");
            let code = inner.trim_start_matches(['\r', '\n']).trim_end();
            let fence = if code.contains("```") { "~~~~" } else { "```" };
            Some(format!("\n{fence}{lang}\n{code}\n{fence}\n"))
        }
        _ => None,
    }
}

fn details(args: &Args, inner: &str) -> String {
    let summary = args.get("summary", Some(0)).unwrap_or("Details");
    let open = matches!(args.get("open", None), Some("true"));
    format!(
        "<details{}><summary>{}</summary>\n\n{}\n\n</details>",
        if open { " open" } else { "" },
        attr_escape(summary),
        inner.trim()
    )
}

/// Single built-ins. `None` when the shortcode is not one Charter can translate.
fn single(name: &str, args: &Args, ctx: &Context<'_>) -> Option<String> {
    match name {
        "ref" | "relref" => {
            let target = args.get("path", Some(0))?;
            (ctx.resolve_ref)(target)
        }
        "figure" => Some(figure(args)),
        "youtube" => {
            let id = args.get("id", Some(0))?;
            let title = args.get("title", None).unwrap_or("YouTube video");
            let class = args
                .get("class", None)
                .map(|c| format!(" class=\"{}\"", attr_escape(c)))
                .unwrap_or_default();
            Some(format!(
                "<div{class}><iframe src=\"https://www.youtube-nocookie.com/embed/{}\" title=\"{}\" allow=\"accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; picture-in-picture\" allowfullscreen loading=\"lazy\"></iframe></div>",
                attr_escape(id),
                attr_escape(title)
            ))
        }
        "vimeo" => {
            let id = args.get("id", Some(0))?;
            let title = args.get("title", None).unwrap_or("Vimeo video");
            Some(format!(
                "<div><iframe src=\"https://player.vimeo.com/video/{}?dnt=1\" title=\"{}\" allow=\"fullscreen\" allowfullscreen loading=\"lazy\"></iframe></div>",
                attr_escape(id),
                attr_escape(title)
            ))
        }
        "gist" => {
            let user = args.get("user", Some(0))?;
            let id = args.get("id", Some(1))?;
            let file = args
                .get("file", Some(2))
                .map(|f| format!("?file={}", attr_escape(f)))
                .unwrap_or_default();
            Some(format!(
                "<script src=\"https://gist.github.com/{}/{}.js{file}\"></script>",
                attr_escape(user),
                attr_escape(id)
            ))
        }
        "tweet" | "x" | "twitter" => {
            let (user, id) = match (args.get("user", None), args.get("id", None)) {
                (u, Some(id)) => (u.unwrap_or("i"), id),
                (_, None) => match args.positional.as_slice() {
                    [id] => ("i", id.as_str()),
                    [user, id, ..] => (user.as_str(), id.as_str()),
                    [] => return None,
                },
            };
            let url = format!("https://x.com/{}/status/{}", attr_escape(user), attr_escape(id));
            Some(format!("<blockquote class=\"twitter-tweet\"><p><a href=\"{url}\">{url}</a></p></blockquote>"))
        }
        "instagram" => {
            let id = args.get("id", Some(0))?;
            let url = format!("https://www.instagram.com/p/{}/", attr_escape(id));
            Some(format!("<blockquote class=\"instagram-media\"><p><a href=\"{url}\">{url}</a></p></blockquote>"))
        }
        "param" => {
            let key = args.get("name", Some(0))?;
            (ctx.param)(key)
        }
        _ => None,
    }
}

/// Hugo's `figure` markup.
fn figure(args: &Args) -> String {
    let mut out = String::from("<figure");
    if let Some(class) = args.get("class", None) {
        out.push_str(&format!(" class=\"{}\"", attr_escape(class)));
    }
    out.push('>');
    let link = args.get("link", None);
    if let Some(link) = link {
        out.push_str(&format!("<a href=\"{}\"", attr_escape(link)));
        if let Some(t) = args.get("target", None) {
            out.push_str(&format!(" target=\"{}\"", attr_escape(t)));
        }
        if let Some(r) = args.get("rel", None) {
            out.push_str(&format!(" rel=\"{}\"", attr_escape(r)));
        }
        out.push('>');
    }
    let src = args.get("src", Some(0)).unwrap_or("");
    let alt = args.get("alt", None).or_else(|| args.get("caption", None)).unwrap_or("");
    out.push_str(&format!("<img src=\"{}\" alt=\"{}\"", attr_escape(src), attr_escape(alt)));
    for key in ["width", "height", "loading"] {
        if let Some(v) = args.get(key, None) {
            out.push_str(&format!(" {key}=\"{}\"", attr_escape(v)));
        }
    }
    out.push('>');
    if link.is_some() {
        out.push_str("</a>");
    }
    let title = args.get("title", None);
    let caption = args.get("caption", None);
    let attr = args.get("attr", None);
    if title.is_some() || caption.is_some() || attr.is_some() {
        out.push_str("<figcaption>");
        if let Some(t) = title {
            out.push_str(&format!("<h4>{}</h4>", attr_escape(t)));
        }
        if caption.is_some() || attr.is_some() {
            out.push_str("<p>");
            if let Some(c) = caption {
                out.push_str(&attr_escape(c));
            }
            if let Some(a) = attr {
                if caption.is_some() {
                    out.push(' ');
                }
                match args.get("attrlink", None) {
                    Some(l) => out.push_str(&format!(
                        "<a href=\"{}\">{}</a>",
                        attr_escape(l),
                        attr_escape(a)
                    )),
                    None => out.push_str(&attr_escape(a)),
                }
            }
            out.push_str("</p>");
        }
        out.push_str("</figcaption>");
    }
    out.push_str("</figure>");
    out
}

/// Finds every shortcode tag in `text`.
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(found) = text[i..].find("{{") {
        let start = i + found;
        let kind = bytes.get(start + 2).copied();
        let (markdown, close) = match kind {
            Some(b'<') => (false, ">}}"),
            Some(b'%') => (true, "%}}"),
            _ => {
                i = start + 2;
                continue;
            }
        };
        match parse_tag(text, start, markdown, close) {
            Some((tok, end)) => {
                tokens.push(Token { start, end, tok });
                i = end;
            }
            None => i = start + 3,
        }
    }
    tokens
}

/// Parses one tag starting at `start` (`{{<` or `{{%`). Returns the token and the end offset.
fn parse_tag(text: &str, start: usize, markdown: bool, close: &str) -> Option<(Tok, usize)> {
    let inner_start = start + 3;
    let rest = &text[inner_start..];
    let trimmed = rest.trim_start();
    if trimmed.starts_with("/*") {
        // {{</* name args */>}} -> {{< name args >}}
        let comment_close = format!("*/{close}");
        let end = rest.find(&comment_close)?;
        let body = &rest[..end];
        let body = body.trim_start().strip_prefix("/*").unwrap_or(body);
        let open = if markdown { "{{%" } else { "{{<" };
        let literal = format!("{open}{body}{close}");
        return Some((Tok::Escaped(literal), inner_start + end + comment_close.len()));
    }
    // Walk the tag, honouring quotes, to its closing delimiter.
    let bytes = rest.as_bytes();
    let mut j = 0;
    let mut quote: Option<u8> = None;
    let end;
    loop {
        if j >= bytes.len() {
            return None;
        }
        let b = bytes[j];
        match quote {
            Some(q) => {
                if b == b'\\' && q == b'"' {
                    j += 2;
                    continue;
                }
                if b == q {
                    quote = None;
                }
            }
            None => {
                if b == b'"' || b == b'`' {
                    quote = Some(b);
                } else if rest[j..].starts_with(close) {
                    end = j;
                    break;
                } else if b == b'\n' && rest[..j].matches('\n').count() > 20 {
                    return None;
                }
            }
        }
        j += 1;
    }
    let mut content = rest[..end].trim();
    let after = inner_start + end + close.len();
    if let Some(name) = content.strip_prefix('/') {
        let name = name.trim().to_string();
        if name.is_empty() {
            return None;
        }
        return Some((Tok::Close { name }, after));
    }
    let mut self_closing = false;
    if let Some(c) = content.strip_suffix('/') {
        content = c.trim_end();
        self_closing = true;
    }
    let mut words = split_args(content)?.into_iter();
    let (name, _) = words.next()?;
    if name.is_empty()
        || !name.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    {
        return None;
    }
    let mut args = Args::default();
    for (word, key) in words {
        match key {
            Some(k) => args.named.push((k, word)),
            None => args.positional.push(word),
        }
    }
    Some((Tok::Open { name, args, self_closing, markdown }, after))
}

/// Splits shortcode arguments: bare words, `"quoted"` (with `\"`), `` `raw` `` and `key=value`.
/// Returns each value with its key, if named.
fn split_args(s: &str) -> Option<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        // A key, if `word=` comes first.
        let mut key = None;
        let mut k = i;
        while k < chars.len() && (chars[k].is_alphanumeric() || chars[k] == '_' || chars[k] == '-')
        {
            k += 1;
        }
        if k > i && k < chars.len() && chars[k] == '=' {
            key = Some(chars[i..k].iter().collect::<String>());
            i = k + 1;
        }
        let value = match chars.get(i) {
            Some('"') => {
                let mut v = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return None,
                        Some('\\') => {
                            if let Some(c) = chars.get(i + 1) {
                                v.push(*c);
                            }
                            i += 2;
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some(c) => {
                            v.push(*c);
                            i += 1;
                        }
                    }
                }
                v
            }
            Some('`') => {
                let rest: String = chars[i + 1..].iter().collect();
                let end = rest.find('`')?;
                i += 1 + rest[..end].chars().count() + 1;
                rest[..end].to_string()
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                chars[start..i].iter().collect()
            }
        };
        out.push((value, key));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> Converted {
        let resolve = |t: &str| -> Option<String> {
            let (path, anchor) =
                t.split_once('#').map(|(p, a)| (p, format!("#{a}"))).unwrap_or((t, String::new()));
            match path.trim_start_matches('/') {
                "posts/first.md" | "first" => Some(format!("@/posts/first.md{anchor}")),
                _ => None,
            }
        };
        let param = |k: &str| if k == "author" { Some("Ada".to_string()) } else { None };
        convert(body, 1, &Context { resolve_ref: &resolve, param: &param })
    }

    #[test]
    fn ref_and_relref_become_charter_links() {
        let c = run("See [one]({{< ref \"posts/first.md\" >}}) and [two]({{< relref \"first#intro\" >}}).\n");
        assert_eq!(c.text, "See [one](@/posts/first.md) and [two](@/posts/first.md#intro).\n");
        assert!(c.leftovers.is_empty());
    }

    #[test]
    fn unresolved_refs_are_reported_with_their_line() {
        let c = run("a\n[x]({{< ref \"nope.md\" >}})\n");
        assert_eq!(c.unresolved, vec![(2, "nope.md".to_string())]);
        assert_eq!(c.text, "a\n[x](nope.md)\n");
    }

    #[test]
    fn figure_youtube_and_highlight_become_html_and_markdown() {
        let c = run(
            "{{< figure src=\"/img/a.png\" title=\"A & B\" caption=\"Cap\" link=\"/big.png\" >}}\n",
        );
        assert_eq!(
            c.text,
            "<figure><a href=\"/big.png\"><img src=\"/img/a.png\" alt=\"Cap\"></a><figcaption><h4>A &amp; B</h4><p>Cap</p></figcaption></figure>\n"
        );
        let c = run("{{< youtube w7Ft2ymGmfc >}}");
        assert!(
            c.text.contains("https://www.youtube-nocookie.com/embed/w7Ft2ymGmfc"),
            "{}",
            c.text
        );
        let c = run("{{< youtube id=\"abc\" title=\"T\" >}}");
        assert!(c.text.contains("embed/abc\" title=\"T\""), "{}", c.text);
        let c = run("{{< highlight go \"linenos=table\" >}}\nfunc main() {}\n{{< /highlight >}}\n");
        assert_eq!(c.text, "\n```go\nfunc main() {}\n```\n\n");
        assert!(c.leftovers.is_empty());
    }

    #[test]
    fn other_builtins() {
        assert!(run("{{< gist spf13 7896402 >}}")
            .text
            .contains("gist.github.com/spf13/7896402.js"));
        assert!(run("{{< x user=\"SanDiegoZoo\" id=\"1453110110599868418\" >}}")
            .text
            .contains("x.com/SanDiegoZoo/status/1453110110599868418"));
        assert!(run("{{< vimeo 55073825 >}}").text.contains("player.vimeo.com/video/55073825"));
        assert_eq!(run("By {{< param author >}}.").text, "By Ada.");
        let d = run("{{< details summary=\"More\" >}}\nHidden *text*\n{{< /details >}}").text;
        assert_eq!(d, "<details><summary>More</summary>\n\nHidden *text*\n\n</details>");
    }

    #[test]
    fn unknown_single_shortcodes_become_comments_holding_the_call() {
        let c = run("x\n{{< chart data=\"a\" >}}\n");
        assert_eq!(c.text, "x\n<!-- hugo: {{< chart data=\"a\" >}} -->\n");
        assert_eq!(c.leftovers, vec![LeftoverUse { name: "chart".into(), line: 2 }]);
    }

    #[test]
    fn unknown_paired_shortcodes_keep_their_inner_content() {
        let c =
            run("{{% note %}}\nKeep **this** and [link]({{< ref \"first\" >}})\n{{% /note %}}\n");
        assert_eq!(
            c.text,
            "<!-- hugo: {{% note %}} -->\nKeep **this** and [link](@/posts/first.md)\n<!-- hugo: {{% /note %}} -->\n"
        );
        assert_eq!(c.leftovers, vec![LeftoverUse { name: "note".into(), line: 1 }]);
    }

    #[test]
    fn escaped_shortcodes_are_printed_literally() {
        let c = run("Write {{</* figure src=\"x\" */>}} like this.");
        assert_eq!(c.text, "Write {{< figure src=\"x\" >}} like this.");
    }

    #[test]
    fn self_closing_and_nested_same_name() {
        let c = run("{{< box />}} {{< box >}}a {{< box >}}b{{< /box >}} c{{< /box >}}");
        assert_eq!(c.leftovers.len(), 3);
        assert!(c.text.starts_with("<!-- hugo: {{< box /"), "{}", c.text);
        assert!(c.text.ends_with("c<!-- hugo: {{< /box >}} -->"), "{}", c.text);
    }

    #[test]
    fn go_template_braces_that_are_not_shortcodes_are_left_alone() {
        let text = "Use {{ .Title }} and {{<bad and {{% also bad\n";
        assert_eq!(run(text).text, text);
    }

    #[test]
    fn arguments_with_quotes_raw_strings_and_keys() {
        let args = split_args(r#"a "b c" `d "e"` k="v \"w\"" n=3"#).unwrap();
        assert_eq!(
            args,
            vec![
                ("a".into(), None),
                ("b c".into(), None),
                ("d \"e\"".into(), None),
                ("v \"w\"".into(), Some("k".into())),
                ("3".into(), Some("n".into())),
            ]
        );
    }
}
