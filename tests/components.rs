//! Page components (issue 15): calls in Markdown render the site's or the theme's
//! `templates/components/NAME.html`, and every mistake is a build error at the call's
//! file:line:column, reported the same by `charter build` and `charter check`.

mod common;

use charter::{BuildOptions, Site};
use common::*;
use std::fs;

#[test]
fn calls_render_with_typed_arguments_bodies_page_and_site() {
    let site = fixture("components");
    let out = build_ok(&site, &[]);
    let page = read(&out, "guide/calls/index.html");
    // The site's badge overrides the theme's; arguments keep their types; page and site are seen.
    assert!(page.contains("<p>Intro with <span class=\"badge\">inline|3|true|a+b|Calls page|Components Fixture</span> in a sentence.</p>"), "{page}");
    assert!(!page.contains("badge-from-theme"), "{page}");
    // An undeclared component takes any argument; alone in its paragraph it is not wrapped in <p>.
    assert!(page.contains("<b class=\"free\">loose</b>"), "{page}");
    assert!(!page.contains("<p><b class=\"free\">"), "{page}");
    // A body is Markdown; its heading joins the table of contents; bodies nest; an optional
    // argument left out is empty.
    assert!(page.contains("<aside class=\"note note--caution\"><p class=\"note__title\">Mind the gap</p><h2 id=\"inside-the-note\">Inside the note</h2>"), "{page}");
    assert!(page.contains("<a href=\"#inside-the-note\">Inside the note</a><a href=\"#after-the-note\">After the note</a>"), "{page}");
    assert!(page.contains("<p>A paragraph with <em>emphasis</em> and <span class=\"badge\">nested|0|false||Calls page|Components Fixture</span>.</p>"), "{page}");
    assert!(
        page.contains("<aside class=\"note note--inner\"><p>Deeper.</p>\n</aside></aside>"),
        "{page}"
    );
    // Code is text, and the escape shows a call.
    assert!(page.contains("<code>{{ badge(label=\"code\") }}</code>"), "{page}");
    assert!(page.contains("<pre><code>{% note(kind=&quot;fenced&quot;) %}"), "{page}");
    assert!(
        page.contains(
            "<p>Show a call: {{ badge(label=\"shown\") }} and {% note(kind=\"x\") %}.</p>"
        ),
        "{page}"
    );
    // A section's body calls components too.
    let section = read(&out, "guide/index.html");
    assert!(
        section.contains("<span class=\"badge\">section|1|false||Guide|Components Fixture</span>"),
        "{section}"
    );
}

/// Writes `content/bad.md` with `body` into a copy of the fixture; returns the build's and
/// `charter check`'s stderr.
fn errors_of(body: &str) -> (String, String) {
    let site = fixture("components");
    fs::write(site.join("content/bad.md"), format!("---\ntitle: Bad\n---\n{body}")).unwrap();
    let (code, build) = build_err(&site, &[]);
    assert_eq!(code, 1, "{build}");
    let check = charter(&site, &["check"]);
    assert!(!check.status.success());
    (build, String::from_utf8_lossy(&check.stderr).to_string())
}

#[test]
fn mistakes_are_errors_at_the_call() {
    let cases: &[(&str, &str)] = &[
        (
            "Text.\n\nSee {{ bagde(label=\"x\") }}.\n",
            "error: content/bad.md:6:5: there is no component `bagde`",
        ),
        (
            "{{ badge(label=\"x\", colour=\"red\") }}\n",
            "error: content/bad.md:4:1: the component `badge` has no argument `colour`",
        ),
        (
            "{{ badge() }}\n",
            "error: content/bad.md:4:1: the component `badge` needs the argument `label`",
        ),
        (
            "Intro.\n\n  {% note(kind=\"x\") %}\nNever closed.\n",
            "error: content/bad.md:6:3: the body of `note` is never closed",
        ),
        (
            "{{ badge(label=\"x\" count=2) }}\n",
            "error: content/bad.md:4:20: expected `)`, found `c`",
        ),
        (
            "{{ badge(label=x) }}\n",
            "error: content/bad.md:4:16: `x` is not a value (strings are quoted)",
        ),
        ("A\n{% end %}\n", "error: content/bad.md:5:1: `{% end %}` closes no component"),
    ];
    for (body, expected) in cases {
        let (build, check) = errors_of(body);
        assert!(build.contains(expected), "build of {body:?}:\n{build}");
        assert!(build.contains("help:"), "{build}");
        assert!(check.contains(expected), "check of {body:?}:\n{check}");
    }
    let (build, _) = errors_of("{{ bagde(label=\"x\") }}\n");
    assert!(build.contains("did you mean `badge`?"), "{build}");
}

#[test]
fn an_error_inside_a_component_names_the_call_and_the_template() {
    let site = fixture("components");
    fs::write(
        site.join("templates/components/broken.html"),
        "<p>{{ missing_variable.field }}</p>\n",
    )
    .unwrap();
    fs::write(site.join("content/bad.md"), "---\ntitle: Bad\n---\nOne.\n\n{{ broken() }}\n")
        .unwrap();
    let (_, stderr) = build_err(&site, &[]);
    assert!(stderr.contains("error: content/bad.md:6:1: the component `broken` failed in templates/components/broken.html"), "{stderr}");
}

#[test]
fn serve_rerenders_the_pages_that_call_an_edited_or_added_component() {
    let root = fixture("components");
    let mut site = Site::load(BuildOptions::new(&root)).unwrap_or_else(|e| panic!("{e}"));
    charter::build::write_all(&mut site).unwrap_or_else(|e| panic!("{e}"));
    let note = root.join("themes/t/templates/components/note.html");
    let text =
        fs::read_to_string(&note).unwrap().replace("<aside class=", "<aside data-edited class=");
    fs::write(&note, text).unwrap();
    let report = site.rebuild(std::slice::from_ref(&note)).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.changed_outputs.iter().any(|o| o == "guide/calls/index.html"), "{report:?}");
    let page = read(&root.join("public"), "guide/calls/index.html");
    assert!(page.contains("<aside data-edited class=\"note note--caution\">"), "{page}");
    // A page calling a component that does not exist yet fails, then builds once it is added.
    let page_file = root.join("content/guide/new.md");
    fs::write(&page_file, "---\ntitle: New\n---\n{{ fresh(n=1) }}\n").unwrap();
    let errors = site.rebuild(std::slice::from_ref(&page_file)).expect_err("unknown component");
    assert!(
        errors.to_string().contains("content/guide/new.md:4:1: there is no component `fresh`"),
        "{errors}"
    );
    let fresh = root.join("templates/components/fresh.html");
    fs::write(&fresh, "<i>fresh {{ n }}</i>\n").unwrap();
    site.rebuild(&[fresh, page_file]).unwrap_or_else(|e| panic!("{e}"));
    assert!(read(&root.join("public"), "guide/new/index.html").contains("<i>fresh 1</i>"));
}

/// A site on the institute theme (copied from `themes/institute`) whose page calls `body`.
fn institute_site(body: &str) -> std::path::PathBuf {
    let dir = tempfile::Builder::new().prefix("charter-institute-").tempdir().unwrap().keep();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_tree(&repo.join("themes/institute"), &dir.join("themes/institute"));
    fs::write(dir.join("site.yaml"), "title: Institute\nbase_url: https://i.example.org\ntheme: institute\nmarkdown:\n  heading_anchors: true\n  paragraph_anchors: true\n").unwrap();
    fs::create_dir_all(dir.join("content")).unwrap();
    fs::write(dir.join("content/_index.md"), "---\ntitle: Home\n---\nWelcome.\n").unwrap();
    fs::write(
        dir.join("content/essay.md"),
        format!("---\ntitle: Essay\ndescription: An essay.\n---\n{body}"),
    )
    .unwrap();
    dir
}

#[test]
fn the_institute_theme_ships_five_accessible_components() {
    let site = institute_site(concat!(
        "Intro.\n\n",
        "{{ pullquote(quote=\"A guarantee must be credible.\", attribution=\"Howard and O'Hanlon (2023)\") }}\n\n",
        "{{ figure(src=\"/map.png\", alt=\"A map of the members\", caption=\"The members.\", credit=\"Institute\") }}\n\n",
        "{% callout(kind=\"caution\") %}\nCheck the *dates*.\n{% end %}\n\n",
        "{% takeaways() %}\n- One.\n- Two.\n{% end %}\n\n",
        "{% details(summary=\"Sources\") %}\n## Further reading\n\nA list.\n{% end %}\n",
    ));
    let out = build_ok(&site, &[]);
    let page = read(&out, "essay/index.html");
    assert!(page.contains("<figure class=\"pullquote\">"), "{page}");
    assert!(page.contains("<figcaption class=\"pullquote__source\">— Howard and O&#x27;Hanlon (2023)</figcaption>") || page.contains("— Howard and O&#39;Hanlon (2023)") || page.contains("— Howard and O'Hanlon (2023)"), "{page}");
    assert!(page.contains("alt=\"A map of the members\""), "{page}");
    assert!(page.contains("<span class=\"figure__credit\">Institute</span>"), "{page}");
    assert!(
        page.contains(
            "<div class=\"callout callout--caution\" role=\"note\" aria-label=\"Caution\">"
        ),
        "{page}"
    );
    assert!(page.contains("<em>dates</em>"), "{page}");
    assert!(page.contains("<section class=\"takeaways\" aria-label=\"Key takeaways\">"), "{page}");
    assert!(page.contains("<li>One.</li>"), "{page}");
    assert!(page.contains("<details class=\"details\">"), "{page}");
    assert!(page.contains("<summary class=\"details__summary\">Sources</summary>"), "{page}");
    assert!(page.contains("id=\"further-reading\""), "{page}");
    assert!(!page.contains("style="), "no inline styles under the theme's CSP: {page}");

    let (_, stderr) = build_err(&institute_site("{{ figure(src=\"/a.png\") }}\n"), &[]);
    assert!(
        stderr.contains("content/essay.md:5:1: the component `figure` needs the argument `alt`"),
        "{stderr}"
    );
    let (_, stderr) =
        build_err(&institute_site("{% callout(kind=\"warning\") %}\nX\n{% end %}\n"), &[]);
    assert!(stderr.contains("content/essay.md:5:1: the component `callout` failed in themes/institute/templates/components/callout.html"), "{stderr}");
    assert!(stderr.contains("kind must be"), "{stderr}");
}
