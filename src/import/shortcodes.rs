//! Hugo shortcodes in a page body, translated to what Charter renders.
//!
//! `ref` and `relref` become `@/` links (checked by `charter build`); `highlight` a fenced code
//! block; `comment` an HTML comment; `param` its value. The built-ins `figure`, `details`,
//! `youtube`, `vimeo`, `gist`, `tweet`/`x` and `instagram` become calls of components of the same
//! name, whose templates draw what Hugo drew. Every other shortcode becomes a call of a generated
//! component ([`super::components`]) with its arguments (`_0`, `_1`, … for positional ones) and, for
//! a paired one, its inner content as the body; each use is returned for the report and the
//! template. What no call can express is kept in an HTML comment and returned as a leftover: a
//! closing tag without its opening, and a shortcode inside a raw HTML block (Charter reads no
//! call there, where Hugo put the shortcode's HTML). Resolving link targets and parameters is the caller's (see
//! [`Context`]).

use super::comment_safe;
use super::components::{self, ComponentUse, Names};
use super::report::LeftoverUse;
use std::collections::BTreeSet;

/// Shortcodes translated in place, never components.
const IN_PLACE: [&str; 5] = ["ref", "relref", "param", "highlight", "comment"];

/// What the translation needs from the rest of the import.
pub struct Context<'a> {
    /// `ref`/`relref` arguments (path, maybe with `#anchor`; the `lang` asked for, if any) ->
    /// `@/content/path.md#anchor`.
    pub resolve_ref: &'a (dyn Fn(&str, Option<&str>) -> Option<String> + Sync),
    /// `param` name -> its value as text, from the page or the site.
    pub param: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// The component each shortcode name becomes.
    pub names: &'a Names,
    /// The path of the site's base URL without its last `/` (`""` at a domain's root), which a
    /// `{{< baseurl >}}` shortcode writes.
    pub base_path: &'a str,
}

/// A converted body and what it could not convert.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Converted {
    pub text: String,
    /// Shortcodes kept in comments for a person.
    pub leftovers: Vec<LeftoverUse>,
    /// Shortcodes written as component calls.
    pub components: Vec<ComponentUse>,
    /// `ref`/`relref` targets not found: (line, target).
    pub unresolved: Vec<(usize, String)>,
}

/// The names of the shortcodes `body` uses that become components (all but `ref`, `relref`,
/// `param`, `highlight` and `comment`).
pub fn names_used(body: &str) -> BTreeSet<String> {
    if !body.contains("{{<") && !body.contains("{{%") {
        return BTreeSet::new();
    }
    tokenize(body)
        .into_iter()
        .filter_map(|t| match t.tok {
            Tok::Open { name, .. } if !IN_PLACE.contains(&name.as_str()) => Some(name),
            _ => None,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Open {
        name: String,
        args: Args,
        self_closing: bool,
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
    let blocks = components::unread_blocks(body);
    let at = Where { offset: 0, lines: 0, first_line, blocks: &blocks };
    out.text = render(body, &at, ctx, &mut out);
    out
}

/// Where a slice being rendered lies in the body.
struct Where<'h> {
    /// Byte offset of the slice in the body.
    offset: usize,
    /// Lines of the body before the slice.
    lines: usize,
    /// The body's first line in its file.
    first_line: usize,
    /// Byte ranges of the body's raw HTML blocks.
    blocks: &'h [(std::ops::Range<usize>, &'static str)],
}

impl Where<'_> {
    /// Why Charter would not read a call at byte `offset` of `text` (this slice): inside a raw
    /// HTML block, or in a link's URL or an HTML attribute (`[a](…)`, `[a]: <…>`, `href="…"`),
    /// where Hugo put the shortcode's output.
    fn unread(&self, text: &str, offset: usize) -> Option<&'static str> {
        let at = self.offset + offset;
        match self.blocks.iter().find(|(r, _)| r.contains(&at)) {
            Some((_, why)) => Some(why),
            None => components::unread(&text[..offset], false),
        }
    }
}

/// What a use of a shortcode turns into, once its arguments are known.
fn component_use(
    name: &str,
    args: &Args,
    line: usize,
    has_body: bool,
    ctx: &Context<'_>,
) -> Option<(String, ComponentUse)> {
    let entry = ctx.names.get(name)?;
    let call_args = if entry.builtin {
        builtin_args(&entry.component, args)?
    } else {
        let mut call_args: Vec<(String, String)> = Vec::new();
        let mut labels = Vec::new();
        for (i, value) in args.positional.iter().enumerate() {
            let label = i.to_string();
            let arg = components::arg_name(&label, &labels);
            labels.push((arg.clone(), label));
            call_args.push((arg, value.clone()));
        }
        for (key, value) in &args.named {
            let arg = components::arg_name(key, &labels);
            labels.push((arg.clone(), key.clone()));
            call_args.push((arg, value.clone()));
        }
        return Some((
            components::call(&entry.component, &call_args, has_body),
            ComponentUse {
                source_name: name.to_string(),
                component: entry.component.clone(),
                line,
                args: labels,
                has_body,
            },
        ));
    };
    Some((
        components::call(&entry.component, &call_args, has_body),
        ComponentUse {
            source_name: name.to_string(),
            component: entry.component.clone(),
            line,
            args: call_args.iter().map(|(k, _)| (k.clone(), k.clone())).collect(),
            has_body,
        },
    ))
}

fn render(text: &str, at: &Where<'_>, ctx: &Context<'_>, acc: &mut Converted) -> String {
    let tokens = tokenize(text);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    let mut i = 0;
    let line_at = |offset: usize| at.first_line + text[..offset].matches('\n').count() + at.lines;
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
                acc.leftovers
                    .push(LeftoverUse { name: format!("/{name}"), line: line_at(t.start) });
                out.push_str(&format!("<!-- hugo: {} -->", comment_safe(raw)));
                pos = t.end;
                i += 1;
            }
            Tok::Open { name, args, self_closing } => {
                let close = if *self_closing { None } else { find_close(&tokens, i, name) };
                let line = line_at(t.start);
                match close {
                    Some(c) => {
                        let inner_raw = &text[t.end..tokens[c].start];
                        let close_raw = &text[tokens[c].start..tokens[c].end];
                        let inner_at = Where {
                            offset: at.offset + t.end,
                            lines: at.lines + text[..t.end].matches('\n').count(),
                            ..*at
                        };
                        let in_html =
                            at.unread(text, t.start).or_else(|| at.unread(text, tokens[c].start));
                        let replaced = match name.as_str() {
                            "highlight" => highlight(args, inner_raw),
                            _ => {
                                let inner = render(inner_raw, &inner_at, ctx, acc);
                                let used = match in_html {
                                    Some(_) => None,
                                    None => component_use(name, args, line, true, ctx),
                                };
                                match (name.as_str(), used) {
                                    ("comment", _) => {
                                        format!("<!-- {} -->", comment_safe(&inner))
                                    }
                                    (_, Some((call, used))) => {
                                        acc.components.push(used);
                                        format!("{call}{inner}{{% end %}}")
                                    }
                                    (_, None) => {
                                        acc.leftovers.push(LeftoverUse {
                                            name: leftover_name(name, in_html),
                                            line,
                                        });
                                        format!(
                                            "<!-- hugo: {} -->{}<!-- hugo: {} -->",
                                            comment_safe(raw),
                                            inner,
                                            comment_safe(close_raw)
                                        )
                                    }
                                }
                            }
                        };
                        out.push_str(&replaced);
                        pos = tokens[c].end;
                        i = c + 1;
                    }
                    None => {
                        let in_html = at.unread(text, t.start);
                        let replaced = match single(name, args, ctx) {
                            Some(text) => text,
                            None if matches!(name.as_str(), "ref" | "relref") => {
                                let target = args.get("path", Some(0)).unwrap_or("").to_string();
                                acc.unresolved.push((line, target.clone()));
                                target
                            }
                            None => match component_use(name, args, line, false, ctx) {
                                Some((call, used)) if in_html.is_none() => {
                                    acc.components.push(used);
                                    call
                                }
                                _ => {
                                    acc.leftovers.push(LeftoverUse {
                                        name: leftover_name(name, in_html),
                                        line,
                                    });
                                    format!("<!-- hugo: {} -->", comment_safe(raw))
                                }
                            },
                        };
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

/// How the report names a shortcode kept in a comment because Charter would not read a call
/// where it stands: apart from its uses that became calls.
fn leftover_name(name: &str, unread: Option<&str>) -> String {
    match unread {
        Some(why) => format!("{name} ({why})"),
        None => name.to_string(),
    }
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

/// `highlight`: a fenced code block, its inner text taken as it is.
fn highlight(args: &Args, inner: &str) -> String {
    let lang = args.get("lang", Some(0)).unwrap_or("");
    let code = inner.trim_start_matches(['\r', '\n']).trim_end();
    let fence = if code.contains("```") { "~~~~" } else { "```" };
    format!("\n{fence}{lang}\n{code}\n{fence}\n")
}

/// Single shortcodes translated in place: `ref`, `relref` and `param`. `None` for any other, or
/// when the target or value is not found.
fn single(name: &str, args: &Args, ctx: &Context<'_>) -> Option<String> {
    match name {
        "ref" | "relref" => {
            let target = args.get("path", Some(0))?;
            // `lang="fr"`: the page of that language, not of the linking page's.
            (ctx.resolve_ref)(target, args.get("lang", None))
        }
        "param" => {
            let key = args.get("name", Some(0))?;
            (ctx.param)(key)
        }
        _ if is_base_url(name) && args.positional.is_empty() && args.named.is_empty() => {
            Some(ctx.base_path.to_string())
        }
        _ => None,
    }
}

/// A shortcode that writes the site's base URL, a common idiom in links
/// (`[a]({{< baseurl >}}/docs/)`): `baseurl`, `baseURL`, `base_url`, `base-url`, `siteurl`.
fn is_base_url(name: &str) -> bool {
    let plain: String =
        name.chars().filter(|c| !matches!(c, '_' | '-')).collect::<String>().to_lowercase();
    plain == "baseurl" || plain == "siteurl"
}

/// The arguments of a built-in's component, by the names its template declares, from Hugo's
/// named and positional arguments. `None` when one it needs is missing.
fn builtin_args(component: &str, args: &Args) -> Option<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let put = |out: &mut Vec<(String, String)>, key: &str, value: Option<&str>| {
        if let Some(v) = value {
            out.push((key.to_string(), v.to_string()));
        }
    };
    match component {
        "figure" => {
            put(&mut out, "src", Some(args.get("src", Some(0)).unwrap_or("")));
            for key in [
                "link", "target", "rel", "alt", "title", "caption", "class", "width", "height",
                "loading", "attr", "attrlink",
            ] {
                put(&mut out, key, args.get(key, None));
            }
        }
        "details" => {
            put(&mut out, "summary", args.get("summary", Some(0)));
            if args.get("open", None) == Some("true") {
                put(&mut out, "open", Some("true"));
            }
        }
        "youtube" => {
            put(&mut out, "id", Some(args.get("id", Some(0))?));
            put(&mut out, "title", args.get("title", None));
            put(&mut out, "class", args.get("class", None));
        }
        "vimeo" => {
            put(&mut out, "id", Some(args.get("id", Some(0))?));
            put(&mut out, "title", args.get("title", None));
        }
        "gist" => {
            put(&mut out, "user", Some(args.get("user", Some(0))?));
            put(&mut out, "id", Some(args.get("id", Some(1))?));
            put(&mut out, "file", args.get("file", Some(2)));
        }
        "x" => {
            let (user, id) = match (args.get("user", None), args.get("id", None)) {
                (u, Some(id)) => (u.unwrap_or("i"), id),
                (_, None) => match args.positional.as_slice() {
                    [id] => ("i", id.as_str()),
                    [user, id, ..] => (user.as_str(), id.as_str()),
                    [] => return None,
                },
            };
            put(&mut out, "user", Some(user));
            put(&mut out, "id", Some(id));
        }
        "instagram" => put(&mut out, "id", Some(args.get("id", Some(0))?)),
        _ => return None,
    }
    Some(out)
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
    Some((Tok::Open { name, args, self_closing }, after))
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
    use crate::import::components::Origin;

    fn run(body: &str) -> Converted {
        let resolve = |t: &str, _lang: Option<&str>| -> Option<String> {
            let (path, anchor) =
                t.split_once('#').map(|(p, a)| (p, format!("#{a}"))).unwrap_or((t, String::new()));
            match path.trim_start_matches('/') {
                "posts/first.md" | "first" => Some(format!("@/posts/first.md{anchor}")),
                _ => None,
            }
        };
        let param = |k: &str| if k == "author" { Some("Ada".to_string()) } else { None };
        let source = tempfile::tempdir().unwrap();
        let names = Names::new(Origin::Hugo, source.path(), names_used(body));
        convert(
            body,
            1,
            &Context { resolve_ref: &resolve, param: &param, names: &names, base_path: "/docs" },
        )
    }

    #[test]
    fn a_base_url_shortcode_writes_the_base_path_in_links_and_text() {
        let c = run("See [a]({{<baseurl>}}/os/v1/) and <a href=\"{{< baseURL >}}/x/\">x</a>, {{< site_url >}}.\n");
        assert_eq!(c.text, "See [a](/docs/os/v1/) and <a href=\"/docs/x/\">x</a>, /docs.\n");
        assert!(c.leftovers.is_empty() && c.components.is_empty(), "{c:?}");
        // With arguments it is some other shortcode of that name: a component.
        let c = run("{{< baseurl \"a\" >}}\n");
        assert_eq!(c.components.len(), 1, "{c:?}");
    }

    #[test]
    fn ref_and_relref_become_charter_links() {
        let c = run("See [one]({{< ref \"posts/first.md\" >}}) and [two]({{< relref \"first#intro\" >}}).\n");
        assert_eq!(c.text, "See [one](@/posts/first.md) and [two](@/posts/first.md#intro).\n");
        assert!(c.leftovers.is_empty() && c.components.is_empty());
    }

    #[test]
    fn unresolved_refs_are_reported_with_their_line() {
        let c = run("a\n[x]({{< ref \"nope.md\" >}})\n");
        assert_eq!(c.unresolved, vec![(2, "nope.md".to_string())]);
        assert_eq!(c.text, "a\n[x](nope.md)\n");
    }

    #[test]
    fn builtins_become_calls_of_their_components_and_highlight_a_code_block() {
        let c = run(
            "{{< figure src=\"/img/a.png\" title=\"A & B\" caption=\"Cap\" link=\"/big.png\" >}}\n",
        );
        assert_eq!(
            c.text,
            "{{ figure(src=\"/img/a.png\", link=\"/big.png\", title=\"A & B\", caption=\"Cap\") }}\n"
        );
        assert_eq!(c.components[0].component, "figure");
        assert_eq!(run("{{< youtube w7Ft2ymGmfc >}}").text, "{{ youtube(id=\"w7Ft2ymGmfc\") }}");
        assert_eq!(
            run("{{< youtube id=\"abc\" title=\"T\" >}}").text,
            "{{ youtube(id=\"abc\", title=\"T\") }}"
        );
        assert_eq!(
            run("{{< gist spf13 7896402 >}}").text,
            "{{ gist(user=\"spf13\", id=\"7896402\") }}"
        );
        assert_eq!(
            run("{{< tweet user=\"SanDiegoZoo\" id=\"1453110110599868418\" >}}").text,
            "{{ x(user=\"SanDiegoZoo\", id=\"1453110110599868418\") }}"
        );
        assert_eq!(run("{{< vimeo 55073825 >}}").text, "{{ vimeo(id=\"55073825\") }}");
        assert_eq!(
            run("{{< instagram BWNjjyYFxVx >}}").text,
            "{{ instagram(id=\"BWNjjyYFxVx\") }}"
        );
        assert_eq!(run("By {{< param author >}}.").text, "By Ada.");
        assert_eq!(
            run("{{< details summary=\"More\" open=true >}}\nHidden *text*\n{{< /details >}}").text,
            "{% details(summary=\"More\", open=\"true\") %}\nHidden *text*\n{% end %}"
        );
        let c = run("{{< highlight go \"linenos=table\" >}}\nfunc main() {}\n{{< /highlight >}}\n");
        assert_eq!(c.text, "\n```go\nfunc main() {}\n```\n\n");
        assert!(c.leftovers.is_empty() && c.components.is_empty());
        // A built-in without what it needs stays a comment for a person.
        let c = run("{{< youtube >}}");
        assert_eq!(c.text, "<!-- hugo: {{< youtube >}} -->");
        assert_eq!(c.leftovers, vec![LeftoverUse { name: "youtube".into(), line: 1 }]);
    }

    #[test]
    fn other_shortcodes_become_component_calls_with_named_and_positional_args() {
        let c = run("x\n{{< chart \"a b\" data=\"prices.csv\" data-id=7 >}}\n");
        assert_eq!(c.text, "x\n{{ chart(_0=\"a b\", data=\"prices.csv\", data_id=\"7\") }}\n");
        assert_eq!(
            c.components,
            vec![ComponentUse {
                source_name: "chart".into(),
                component: "chart".into(),
                line: 2,
                args: vec![
                    ("_0".into(), "0".into()),
                    ("data".into(), "data".into()),
                    ("data_id".into(), "data-id".into())
                ],
                has_body: false,
            }]
        );
        assert!(c.leftovers.is_empty());
    }

    #[test]
    fn paired_shortcodes_keep_their_inner_content_as_the_body_and_nest() {
        let c = run(
            "{{% note %}}\nKeep **this** and [link]({{< ref \"first\" >}})\n{{< box-out title=\"In \\\"quotes\\\"\" >}}inner{{< /box-out >}}\n{{% /note %}}\n",
        );
        assert_eq!(
            c.text,
            "{% note() %}\nKeep **this** and [link](@/posts/first.md)\n{% box_out(title=\"In \\\"quotes\\\"\") %}inner{% end %}\n{% end %}\n"
        );
        let names: Vec<(&str, &str, usize)> = c
            .components
            .iter()
            .map(|u| (u.source_name.as_str(), u.component.as_str(), u.line))
            .collect();
        assert_eq!(names, vec![("box-out", "box_out", 3), ("note", "note", 1)]);
    }

    #[test]
    fn shortcodes_inside_raw_html_and_code_blocks_stay_comments() {
        let c = run("```\n{{< box >}}\n```\n");
        assert_eq!(c.text, "```\n<!-- hugo: {{< box >}} -->\n```\n");
        assert_eq!(c.leftovers[0].name, "box (in a code block)");
        let c = run("<div class=\"x\">\n  {{< box >}}\n</div>\n\n{{< box >}}\n\n<ul>\n{{< list >}}\n<li>a</li>\n{{< /list >}}\n</ul>\n");
        assert_eq!(
            c.text,
            "<div class=\"x\">\n  <!-- hugo: {{< box >}} -->\n</div>\n\n{{ box() }}\n\n<ul>\n<!-- hugo: {{< list >}} -->\n<li>a</li>\n<!-- hugo: {{< /list >}} -->\n</ul>\n"
        );
        let kept: Vec<(&str, usize)> =
            c.leftovers.iter().map(|l| (l.name.as_str(), l.line)).collect();
        assert_eq!(kept, vec![("box (in raw HTML)", 2), ("list (in raw HTML)", 8)]);
        assert_eq!(c.components.len(), 1);
        let c = run(
            "[a]({{< url x >}}) <b title=\"{{< t >}}\">b</b>\n\n[source]: <{{< eturl figure >}}>\n",
        );
        let kept: Vec<&str> = c.leftovers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(
            kept,
            vec![
                "url (in a link URL or an attribute)",
                "t (in a link URL or an attribute)",
                "eturl (in a link URL or an attribute)"
            ]
        );
        assert!(c.components.is_empty());
    }

    #[test]
    fn escaped_shortcodes_are_printed_literally() {
        let c = run("Write {{</* figure src=\"x\" */>}} like this.");
        assert_eq!(c.text, "Write {{< figure src=\"x\" >}} like this.");
    }

    #[test]
    fn self_closing_nested_same_name_and_stray_closing_tags() {
        let c = run("{{< box />}} {{< box >}}a {{< box >}}b{{< /box >}} c{{< /box >}}");
        assert_eq!(c.text, "{{ box() }} {% box() %}a {% box() %}b{% end %} c{% end %}");
        assert_eq!(c.components.len(), 3);
        let c = run("a\n{{< /box >}}");
        assert_eq!(c.text, "a\n<!-- hugo: {{< /box >}} -->");
        assert_eq!(c.leftovers, vec![LeftoverUse { name: "/box".into(), line: 2 }]);
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
