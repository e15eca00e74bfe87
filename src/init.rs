//! `charter init`: writes a new site that builds, with a small default theme and one page of each
//! kind (home, a section, a page, a bundle with an image, a taxonomy).

use std::path::Path;

use crate::error::{io_error, Diagnostic};

const FILES: &[(&str, &str)] = &[
    (
        "site.yaml",
        "title: My site\nbase_url: https://example.org\ndescription: A site built with Charter.\nlanguage: en\ntheme: starter\ntaxonomies: [topics]\nextra:\n  footer: Built with Charter.\n",
    ),
    ("content/_index.md", "---\ntitle: Welcome\ndescription: The home page.\n---\n\nThis is the home page. Read [the first note](@/notes/first.md).\n"),
    ("content/notes/_index.md", "---\ntitle: Notes\ndescription: All notes, newest first.\nsort_by: date\n---\n\nEvery note of the site.\n"),
    (
        "content/notes/first.md",
        "---\ntitle: First note\ndescription: A first page, with a table of contents.\ndate: 2026-01-01\ntopics: [Getting started]\ntoc: true\n---\n\n## Writing\n\nWrite Markdown with tables, footnotes[^1] and code:\n\n```rust\nfn main() {\n    println!(\"hello\");\n}\n```\n\n## Linking\n\nLink with `@/` paths: [the bundle](@/notes/bundle/index.md).\n\n[^1]: Footnotes get back-links.\n",
    ),
    (
        "content/notes/bundle/index.md",
        "---\ntitle: A page bundle\ndescription: A page whose files sit beside it.\ndate: 2026-01-02\ntopics: [Getting started]\n---\n\n![A square](square.svg)\n",
    ),
    (
        "content/notes/bundle/square.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\"><rect width=\"40\" height=\"40\" fill=\"#2a5d84\"/></svg>\n",
    ),
    (
        "themes/starter/templates/base.html",
        "<!doctype html>\n<html lang=\"{{ site.language }}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{% block title %}{{ site.title }}{% endblock %}</title>\n<link rel=\"stylesheet\" href=\"{{ get_url(path='style.css') }}\">\n<link rel=\"stylesheet\" href=\"{{ get_url(path='syntax.css') }}\">\n<link rel=\"alternate\" type=\"application/atom+xml\" href=\"{{ get_url(path='atom.xml') }}\" title=\"{{ site.title }}\">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header><a href=\"{{ get_url(path='') }}\">{{ site.title }}</a></header>\n<main id=\"main\">{% block content %}{% endblock %}</main>\n<footer>{{ site.extra.footer }}</footer>\n</body>\n</html>\n",
    ),
    (
        "themes/starter/templates/index.html",
        "{% extends \"base.html\" %}\n{% block content %}<h1>{{ section.title }}</h1>\n{{ section.content | safe }}\n<ul>{% for sub in section.subsections %}<li><a href=\"{{ sub.path }}\">{{ sub.title }}</a> ({{ sub.pages | length }})</li>{% endfor %}</ul>\n{% endblock %}\n",
    ),
    (
        "themes/starter/templates/section.html",
        "{% extends \"base.html\" %}\n{% block title %}{{ section.title }} — {{ site.title }}{% endblock %}\n{% block content %}<h1>{{ section.title }}</h1>\n{{ section.content | safe }}\n<ul>{% for p in section.pages %}<li><a href=\"{{ p.path }}\">{{ p.title }}</a>{% if p.date %} <time datetime=\"{{ p.date }}\">{{ p.date | date(format='%B %-d, %Y') }}</time>{% endif %}</li>{% endfor %}</ul>\n{% endblock %}\n",
    ),
    (
        "themes/starter/templates/page.html",
        "{% extends \"base.html\" %}\n{% block title %}{{ page.title }} — {{ site.title }}{% endblock %}\n{% block content %}<article>\n<h1>{{ page.title }}</h1>\n{% if page.toc and page.params.toc %}<nav aria-label=\"Contents\"><ul>{% for h in page.toc %}<li><a href=\"#{{ h.id }}\">{{ h.title }}</a></li>{% endfor %}</ul></nav>{% endif %}\n{{ page.content | safe }}\n<p>{% for t in page.taxonomies.topics %}<a href=\"{{ t.path }}\">{{ t.name }}</a> {% endfor %}</p>\n<nav aria-label=\"Neighbours\">{% if page.previous %}<a href=\"{{ page.previous.path }}\">← {{ page.previous.title }}</a>{% endif %} {% if page.next %}<a href=\"{{ page.next.path }}\">{{ page.next.title }} →</a>{% endif %}</nav>\n</article>{% endblock %}\n",
    ),
    (
        "themes/starter/static/style.css",
        "body{font-family:system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:1rem;line-height:1.6}\n.skip{position:absolute;left:-999px}.skip:focus{left:1rem}\n@media (prefers-color-scheme:dark){body{background:#111;color:#eee}a{color:#9cf}}\n",
    ),
];

/// Creates a new site in `dir`, which must be empty or absent.
pub fn init_site(dir: &Path) -> Result<(), Diagnostic> {
    if dir.exists() {
        let non_empty = std::fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true);
        if non_empty {
            return Err(Diagnostic::error("init", format!("{} is not empty", dir.display()))
                .hint("choose a new folder name, e.g. `charter init my-site`"));
        }
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| io_error(parent, "create the folder", &e))?;
        }
        std::fs::write(&path, text).map_err(|e| io_error(&path, "write the file", &e))?;
    }
    std::fs::write(dir.join(".gitignore"), "/public\n")
        .map_err(|e| io_error(dir, "write .gitignore", &e))?;
    Ok(())
}
