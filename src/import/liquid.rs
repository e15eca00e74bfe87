//! Liquid in Jekyll page bodies, translated to what Charter renders.
//!
//! `{% post_url %}` and `{% link %}` become `@/` links; `{% highlight %}` a fenced code block;
//! `{% raw %}` its literal content; `{% comment %}` an HTML comment; output tags whose value is
//! known (`{{ site.baseurl }}`, `{{ site.title }}`, `{{ page.title }}`, a string through
//! `relative_url`/`absolute_url`/`prepend`/`append`) their value. Every other tag (`include`, `if`,
//! `for`, …) and output expression is kept as an HTML comment and returned so the report can list
//! it. `{% include NAME k=v %}` becomes a call of the component NAME maps to
//! ([`super::components`]), its parameters the call's arguments. Resolving link targets and
//! variables is the caller's (see [`Context`]).

use super::comment_safe;
use super::components::{self, ComponentUse, Names};
use super::report::LeftoverUse;
use std::collections::BTreeSet;

/// What the translation needs from the rest of the import.
pub struct Context<'a> {
    /// `post_url` argument (`2010-07-21-name`, maybe `dir/2010-07-21-name`) -> `@/…md`.
    pub resolve_post: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// `link` argument (a source path such as `_posts/2016-07-26-name.md`) -> `@/…md`.
    pub resolve_link: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// `site.x` / `page.x` -> text, when it is a plain value.
    pub variable: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// `site.url` as configured (no trailing slash), for `absolute_url`.
    pub site_url: &'a str,
    /// `site.baseurl` as configured (no trailing slash, may be empty).
    pub base_path: &'a str,
    /// The component each include becomes.
    pub names: &'a Names,
}

/// A converted body and what it could not convert.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Converted {
    pub text: String,
    /// Tags and expressions left for a person, by tag name (`include`, `if`, `{{ }}` as `output`).
    pub leftovers: Vec<LeftoverUse>,
    /// Includes written as component calls.
    pub components: Vec<ComponentUse>,
    /// `post_url`/`link` targets not found: (line, target).
    pub unresolved: Vec<(usize, String)>,
}

/// Translates the Liquid in `body`. `first_line` is the file line of the body's first line.
pub fn convert(body: &str, first_line: usize, ctx: &Context<'_>) -> Converted {
    let mut out = Converted::default();
    if !body.contains("{%") && !body.contains("{{") {
        out.text = body.to_string();
        return out;
    }
    let mut text = String::with_capacity(body.len());
    let mut pos = 0;
    let line_at = |offset: usize| first_line + body[..offset].matches('\n').count();
    let blocks = components::unread_blocks(body);
    let unread_at =
        |text: &str, offset: usize| match blocks.iter().find(|(r, _)| r.contains(&offset)) {
            Some((_, why)) => Some(*why),
            None => components::unread(text, false),
        };
    // Each call written: where it stands in `text`, and the comment to write if no call is read
    // there once the whole body is converted.
    let mut calls: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    while let Some(tag) = next_tag(body, pos) {
        text.push_str(&body[pos..tag.start]);
        let raw = &body[tag.start..tag.end];
        let line = line_at(tag.start);
        pos = tag.end;
        if tag.output {
            match output_value(&tag.inner, ctx) {
                Some(v) => text.push_str(&v),
                None => {
                    out.leftovers.push(LeftoverUse { name: "{{ }}".into(), line });
                    text.push_str(&format!("<!-- liquid: {} -->", comment_safe(raw)));
                }
            }
            continue;
        }
        let (name, args) = split_name(&tag.inner);
        match name {
            "raw" | "comment" | "highlight" => {
                let end_name = format!("end{name}");
                let Some(close) = find_end(body, pos, &end_name) else {
                    out.leftovers.push(LeftoverUse { name: name.to_string(), line });
                    text.push_str(&format!("<!-- liquid: {} -->", comment_safe(raw)));
                    continue;
                };
                let inner = &body[pos..close.start];
                match name {
                    "raw" => text.push_str(inner),
                    "comment" => text.push_str(&format!("<!-- {} -->", comment_safe(inner.trim()))),
                    _ => {
                        let lang = args.split_whitespace().next().unwrap_or("");
                        let code = inner.trim_start_matches(['\r', '\n']).trim_end();
                        let fence = if code.contains("```") { "~~~~" } else { "```" };
                        text.push_str(&format!("\n{fence}{lang}\n{code}\n{fence}\n"));
                    }
                }
                pos = close.end;
            }
            "post_url" | "link" => {
                let target = args.trim();
                let resolved = if name == "post_url" {
                    (ctx.resolve_post)(target)
                } else {
                    (ctx.resolve_link)(target)
                };
                match resolved {
                    Some(link) => {
                        // `{{ site.baseurl }}{% post_url x %}` and `{{ site.url }}…` were written for
                        // Jekyll; the `@/` link is already the whole URL.
                        for prefix in [
                            format!("{}{}", ctx.site_url, ctx.base_path),
                            ctx.site_url.to_string(),
                            ctx.base_path.to_string(),
                        ] {
                            if !prefix.is_empty() && text.ends_with(&prefix) {
                                text.truncate(text.len() - prefix.len());
                                break;
                            }
                        }
                        text.push_str(&link);
                    }
                    None => {
                        out.unresolved.push((line, target.to_string()));
                        text.push_str(&format!("<!-- liquid: {} -->", comment_safe(raw)));
                    }
                }
            }
            _ => {
                let call = if name == "include" { include_call(args, line, ctx) } else { None };
                match call {
                    Some((call, used)) if unread_at(&text, tag.start).is_none() => {
                        out.components.push(used);
                        let start = text.len();
                        text.push_str(&call);
                        calls.push((
                            start..text.len(),
                            format!("<!-- liquid: {} -->", comment_safe(raw)),
                        ));
                    }
                    Some(_) => {
                        // Charter reads no call there.
                        let why = unread_at(&text, tag.start).unwrap_or("");
                        out.leftovers.push(LeftoverUse { name: format!("include ({why})"), line });
                        text.push_str(&format!("<!-- liquid: {} -->", comment_safe(raw)));
                    }
                    None => {
                        out.leftovers.push(LeftoverUse { name: name.to_string(), line });
                        text.push_str(&format!("<!-- liquid: {} -->", comment_safe(raw)));
                    }
                }
            }
        }
    }
    text.push_str(&body[pos..]);
    // The comments kept for other tags can make raw HTML (or, indented, code) of the lines around
    // a call: such a call would not be read, so it is a comment too.
    let unread = components::unread_blocks(&text);
    for (k, (range, comment)) in calls.iter().enumerate().rev() {
        if let Some((_, why)) = unread.iter().find(|(r, _)| r.contains(&range.start)) {
            text.replace_range(range.clone(), comment);
            let used = out.components.remove(k);
            out.leftovers.push(LeftoverUse { name: format!("include ({why})"), line: used.line });
        }
    }
    out.leftovers.sort_by_key(|l| l.line);
    out.text = text;
    out
}

/// The includes `body` names (`note.html`, `foo/bar.html`), each of which becomes a component.
pub fn includes_used(body: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    if !body.contains("{%") {
        return used;
    }
    let mut pos = 0;
    while let Some(tag) = next_tag(body, pos) {
        pos = tag.end;
        if tag.output {
            continue;
        }
        if let ("include", args) = split_name(&tag.inner) {
            if let Some((name, _)) = include_parts(args) {
                used.insert(name);
            }
        }
    }
    used
}

/// An include's file name and its parameters (`key`, value as written), when the name is a plain
/// path (not `{{ variable }}`) and each parameter is `key=value`.
fn include_parts(args: &str) -> Option<(String, Vec<(String, String)>)> {
    let (name, rest) = split_name(args);
    if name.is_empty()
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
    {
        return None;
    }
    let mut params = Vec::new();
    let chars: Vec<char> = rest.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let key_start = i;
        while i < chars.len() && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '-')) {
            i += 1;
        }
        let key: String = chars[key_start..i].iter().collect();
        // Jekyll allows spaces around `=`.
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        if key.is_empty() || chars.get(i) != Some(&'=') {
            return None;
        }
        i += 1;
        while i < chars.len() && chars[i].is_whitespace() {
            i += 1;
        }
        let value = match chars.get(i) {
            Some(&q @ ('"' | '\'')) => {
                let start = i;
                i += 1;
                while i < chars.len() && chars[i] != q {
                    i += 1;
                }
                if i >= chars.len() {
                    return None;
                }
                i += 1;
                chars[start..i].iter().collect()
            }
            _ => {
                let start = i;
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                chars[start..i].iter().collect::<String>()
            }
        };
        if value.is_empty() {
            return None;
        }
        params.push((key, value));
    }
    Some((name.to_string(), params))
}

/// `{% include NAME k=v %}` as a component call: a quoted value is the argument's text; a
/// variable its value when known, else its name as written.
fn include_call(args: &str, line: usize, ctx: &Context<'_>) -> Option<(String, ComponentUse)> {
    let (name, params) = include_parts(args)?;
    let entry = ctx.names.get(&name)?;
    let mut labels: Vec<(String, String)> = Vec::new();
    let mut call_args = Vec::new();
    for (key, value) in params {
        let value = operand(&value, ctx).unwrap_or(value);
        let arg = components::arg_name(&key, &labels);
        labels.push((arg.clone(), format!("include.{key}")));
        call_args.push((arg, value));
    }
    let call = components::call(&entry.component, &call_args, false);
    Some((
        call,
        ComponentUse {
            source_name: name,
            component: entry.component.clone(),
            line,
            args: labels,
            has_body: false,
        },
    ))
}

struct Tag {
    start: usize,
    end: usize,
    /// `{{ … }}` rather than `{% … %}`.
    output: bool,
    /// The text between the delimiters, without whitespace-control dashes, trimmed.
    inner: String,
}

fn next_tag(text: &str, from: usize) -> Option<Tag> {
    let mut i = from;
    loop {
        let found = text[i..].find('{')? + i;
        let next = text.as_bytes().get(found + 1).copied();
        let (output, close) = match next {
            Some(b'%') => (false, "%}"),
            Some(b'{') => (true, "}}"),
            _ => {
                i = found + 1;
                continue;
            }
        };
        let Some(end_rel) = text[found + 2..].find(close) else {
            i = found + 2;
            continue;
        };
        let end = found + 2 + end_rel + 2;
        let inner = &text[found + 2..end - 2];
        if inner.contains("\n\n") {
            // A blank line inside: not a tag (stray braces in prose or code).
            i = found + 2;
            continue;
        }
        let inner = inner.strip_prefix('-').unwrap_or(inner);
        let inner = inner.strip_suffix('-').unwrap_or(inner);
        return Some(Tag { start: found, end, output, inner: inner.trim().to_string() });
    }
}

/// The `{% endname %}` tag after `from`.
fn find_end(text: &str, from: usize, end_name: &str) -> Option<Tag> {
    let mut pos = from;
    while let Some(tag) = next_tag(text, pos) {
        if !tag.output && split_name(&tag.inner).0 == end_name {
            return Some(tag);
        }
        pos = tag.end;
    }
    None
}

fn split_name(inner: &str) -> (&str, &str) {
    match inner.find(char::is_whitespace) {
        Some(i) => (&inner[..i], inner[i..].trim()),
        None => (inner, ""),
    }
}

/// The value of an output expression, when it is known without running Liquid.
fn output_value(expr: &str, ctx: &Context<'_>) -> Option<String> {
    let mut parts = split_filters(expr).into_iter();
    let base = parts.next()?;
    let mut value = operand(&base, ctx)?;
    for filter in parts {
        let (name, arg) = match filter.split_once(':') {
            Some((n, a)) => (n.trim(), Some(a.trim())),
            None => (filter.trim(), None),
        };
        value = match (name, arg) {
            ("relative_url", None) => join_url(ctx.base_path, &value),
            ("absolute_url", None) => {
                format!("{}{}", ctx.site_url, join_url(ctx.base_path, &value))
            }
            ("prepend", Some(a)) => format!("{}{}", operand(a, ctx)?, value),
            ("append", Some(a)) => format!("{}{}", value, operand(a, ctx)?),
            _ => return None,
        };
    }
    Some(value)
}

fn join_url(base: &str, path: &str) -> String {
    if path.starts_with("http://") || path.starts_with("https://") || path.starts_with("//") {
        return path.to_string();
    }
    let path = if path.starts_with('/') { path.to_string() } else { format!("/{path}") };
    format!("{}{}", base.trim_end_matches('/'), path)
}

/// A literal or a variable.
fn operand(s: &str, ctx: &Context<'_>) -> Option<String> {
    let s = s.trim();
    if s.len() >= 2
        && ((s.starts_with('"') && s.ends_with('"')) || (s.starts_with('\'') && s.ends_with('\'')))
    {
        return Some(s[1..s.len() - 1].to_string());
    }
    match s {
        "site.baseurl" => Some(ctx.base_path.to_string()),
        "site.url" => Some(ctx.site_url.to_string()),
        _ if s.starts_with("site.") || s.starts_with("page.") => (ctx.variable)(s),
        _ => None,
    }
}

/// Splits `a | f: x | g` at pipes outside quotes.
fn split_filters(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in expr.chars() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                cur.push(c);
            }
            None => match c {
                '"' | '\'' => {
                    quote = Some(c);
                    cur.push(c);
                }
                '|' => out.push(std::mem::take(&mut cur)),
                _ => cur.push(c),
            },
        }
    }
    out.push(cur);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_with(body: &str, site_url: &str, base_path: &str) -> Converted {
        let post = |t: &str| {
            if t == "2010-07-21-hello" {
                Some("@/2010/07/21/hello.md".to_string())
            } else {
                None
            }
        };
        let link = |t: &str| if t == "about.md" { Some("@/about.md".to_string()) } else { None };
        let var = |v: &str| match v {
            "site.title" => Some("My Site".to_string()),
            "page.title" => Some("This Page".to_string()),
            _ => None,
        };
        let source = tempfile::tempdir().unwrap();
        let names = Names::new(
            crate::import::components::Origin::Jekyll,
            source.path(),
            includes_used(body),
        );
        convert(
            body,
            1,
            &Context {
                resolve_post: &post,
                resolve_link: &link,
                variable: &var,
                site_url,
                base_path,
                names: &names,
            },
        )
    }

    fn run(body: &str) -> Converted {
        run_with(body, "https://example.org", "")
    }

    #[test]
    fn post_url_and_link_become_charter_links() {
        let c = run("[a]({% post_url 2010-07-21-hello %}) [b]({%- link about.md -%})");
        assert_eq!(c.text, "[a](@/2010/07/21/hello.md) [b](@/about.md)");
        let c = run_with(
            "[a]({{ site.baseurl }}{% post_url 2010-07-21-hello %})",
            "https://example.org",
            "/blog",
        );
        assert_eq!(c.text, "[a](@/2010/07/21/hello.md)");
    }

    #[test]
    fn unresolved_links_are_reported() {
        let c = run("x\n{% post_url 2011-01-01-gone %}");
        assert_eq!(c.unresolved, vec![(2, "2011-01-01-gone".to_string())]);
        assert!(c.text.contains("<!-- liquid: {% post_url 2011-01-01-gone %} -->"));
    }

    #[test]
    fn includes_become_component_calls_and_other_tags_are_kept_as_comments() {
        let c = run("a\n{% include note.html text=\"hi\" title=page.title by='x \"y\"' %}\n{% if page.x %}shown{% endif %}\n{% include {{ page.inc }} %}");
        assert_eq!(
            c.text,
            "a\n{{ note(text=\"hi\", title=\"This Page\", by=\"x \\\"y\\\"\") }}\n<!-- liquid: {% if page.x %} -->shown<!-- liquid: {% endif %} -->\n<!-- liquid: {% include {{ page.inc }} %} -->"
        );
        let names: Vec<&str> = c.leftovers.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(names, vec!["if", "endif", "include"]);
        assert_eq!(c.components.len(), 1);
        assert_eq!(c.components[0].line, 2);
        assert_eq!(c.components[0].component, "note");
        assert_eq!(c.components[0].args[1], ("title".to_string(), "include.title".to_string()));
        let c = run("<div>\n  {% include note.html %}\n</div>\n");
        assert_eq!(c.text, "<div>\n  <!-- liquid: {% include note.html %} -->\n</div>\n");
        assert_eq!(c.leftovers[0].name, "include (in raw HTML)");
        let c = run("{% for p in site.posts %}\n  {% if x %}\n    {% include note.html %}\n  {% endif %}\n{% endfor %}\n");
        assert_eq!(
            c.text,
            "<!-- liquid: {% for p in site.posts %} -->\n  <!-- liquid: {% if x %} -->\n    <!-- liquid: {% include note.html %} -->\n  <!-- liquid: {% endif %} -->\n<!-- liquid: {% endfor %} -->\n"
        );
        assert!(c.components.is_empty());
        assert_eq!(c.leftovers[2].name, "include (in a code block)");
        let c = run("{% include note.html version = \"4.0\" %}");
        assert_eq!(c.text, "{{ note(version=\"4.0\") }}");
        let c = run("See <a href=\"{% include note.html %}\">x</a>.");
        assert_eq!(c.leftovers[0].name, "include (in a link URL or an attribute)");
        assert_eq!(
            includes_used("{% include a/b.html x=1 %} {%- include c.md -%}"),
            BTreeSet::from(["a/b.html".to_string(), "c.md".to_string()])
        );
    }

    #[test]
    fn raw_highlight_and_comment_blocks() {
        assert_eq!(run("{% raw %}{{ not liquid }}{% endraw %}").text, "{{ not liquid }}");
        assert_eq!(
            run("{% highlight ruby linenos %}\nputs 1\n{% endhighlight %}").text,
            "\n```ruby\nputs 1\n```\n"
        );
        assert_eq!(
            run("{% comment %} hidden {% endcomment %}").text,
            "<!--  hidden  -->".replace("  ", " ")
        );
    }

    #[test]
    fn known_output_values_are_substituted() {
        let c = run_with("{{ site.title }} / {{ page.title }} / {{ \"/img/a.png\" | relative_url }} / {{ '/x' | absolute_url }}", "https://e.org", "/blog");
        assert_eq!(c.text, "My Site / This Page / /blog/img/a.png / https://e.org/blog/x");
        let c = run("{{ site.baseurl }}/assets/a.png");
        assert_eq!(c.text, "/assets/a.png");
        let c = run("{{ page.date | date: \"%Y\" }}");
        assert!(c.text.starts_with("<!-- liquid:"), "{}", c.text);
        assert_eq!(c.leftovers[0].name, "{{ }}");
    }

    #[test]
    fn text_without_liquid_is_untouched() {
        let t = "A { brace } and a % sign, and JSON {\"a\": 1}.\n";
        assert_eq!(run(t).text, t);
    }
}
