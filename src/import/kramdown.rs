//! kramdown's block attribute lists in Jekyll Markdown, translated to what Charter reads.
//!
//! Jekyll renders Markdown with kramdown, where a line `{: #id .class}` under a block gives that
//! block attributes. Under a heading it sets the heading's id, which links elsewhere point at
//! (`history.md#v3-9-3`); Charter (pulldown-cmark) reads the same attributes written at the end
//! of the heading line, `## 3.9.3 {#v3-9-3}`, so they move there. Under any other block Charter
//! has no equivalent: the line would show as text, so it becomes an HTML comment a person can
//! search for (`<!-- kramdown: {: .note} -->`). Fenced code is left alone, and every line keeps
//! its number, so notes still point at the source line.

/// The body with block attribute lists moved onto their headings or commented out, and the
/// lines (0-based in `body`) of those commented out, for the report.
pub(crate) fn block_attributes(body: &str) -> (String, Vec<usize>) {
    let mut out: Vec<String> = Vec::new();
    let mut commented = Vec::new();
    let mut fence: Option<String> = None;
    for (number, line) in body.split('\n').enumerate() {
        let trimmed = line.trim_start();
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str())
                && trimmed.trim_start_matches(open.as_str()).trim().is_empty()
            {
                fence = None;
            }
            out.push(line.to_string());
            continue;
        }
        if let Some(marker) = fence_marker(trimmed) {
            fence = Some(marker);
            out.push(line.to_string());
            continue;
        }
        let Some(attrs) = attribute_list(line) else {
            out.push(line.to_string());
            continue;
        };
        match (attrs, out.last_mut()) {
            (Some(attrs), Some(prev))
                if is_atx_heading(prev) && !prev.trim_end().ends_with('}') =>
            {
                prev.truncate(prev.trim_end().len());
                prev.push_str(&format!(" {{{attrs}}}"));
                out.push(String::new());
            }
            _ => {
                out.push(format!("<!-- kramdown: {} -->", line.trim().replace("--", "- -")));
                commented.push(number);
            }
        }
    }
    (out.join("\n"), commented)
}

/// The opening of a fenced code block: three or more backticks or tildes.
fn fence_marker(trimmed: &str) -> Option<String> {
    for c in ['`', '~'] {
        let n = trimmed.chars().take_while(|&x| x == c).count();
        if n >= 3 {
            return Some(c.to_string().repeat(n));
        }
    }
    None
}

fn is_atx_heading(line: &str) -> bool {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|&c| c == '#').count();
    (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') && line.len() - t.len() < 4
}

/// `{: #id .class}` on a line of its own: Some(Some(attributes)) when it holds ids and classes
/// only (what pulldown-cmark's heading attributes read), Some(None) for another attribute list
/// (`{: key="v"}`), None for a line that is not one (`{::options}` extensions, Liquid).
fn attribute_list(line: &str) -> Option<Option<String>> {
    let inner = line.trim().strip_prefix("{:")?.strip_suffix('}')?;
    if inner.starts_with(':') || inner.contains('{') || inner.contains('}') {
        return None;
    }
    let parts: Vec<&str> = inner.split_whitespace().collect();
    if parts.is_empty() {
        return None;
    }
    let plain = |p: &&str| {
        (p.starts_with('#') || p.starts_with('.'))
            && p.len() > 1
            && p[1..].chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    };
    Some(parts.iter().all(plain).then(|| parts.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_under_a_heading_moves_onto_it_and_lines_keep_their_numbers() {
        let body = "## 3.9.3 / 2023-01-29\n{: #v3-9-3}\n\nText.\n{: .note}\n";
        let (out, commented) = block_attributes(body);
        assert_eq!(
            out,
            "## 3.9.3 / 2023-01-29 {#v3-9-3}\n\n\nText.\n<!-- kramdown: {: .note} -->\n"
        );
        assert_eq!(commented, [4]);
        assert_eq!(out.lines().count(), body.lines().count());
    }

    #[test]
    fn fenced_code_and_other_braces_are_left_alone() {
        let body =
            "```\n## h\n{: #x}\n```\n{{ site.title }}\n{::options parse_block_html=\"true\" /}\n";
        let (out, commented) = block_attributes(body);
        assert_eq!(out, body);
        assert!(commented.is_empty());
    }
}
