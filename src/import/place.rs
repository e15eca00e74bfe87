//! Where each imported document goes in `content/`, so that Charter publishes it at the URL the
//! source published, and which URLs two sources both claim.
//!
//! A page whose source URL is `/a/b/` becomes `content/a/b.md` (or `content/a/b/index.md` when it
//! has bundle resources), so Charter's own rule (`/<dir>/<name>/`) gives back the same URL. A URL
//! that names a file (`/a/b.html`, Jekyll's default) cannot be a Charter page URL: the page goes
//! to `/a/b/` and the old URL becomes an alias (a redirect page at the old address). When two
//! sources claim one URL, both are kept, at different content paths that still publish that URL
//! (the later one through `slug`), and the collision is returned for the report; `charter build`
//! then names it until a person resolves it.

use super::report::{Collision, Note, NoteKind};
use super::{Doc, DocKind};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Where one document goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Place {
    /// Path relative to `content/`, with `/`.
    pub content_path: String,
    /// The URL Charter will publish it at.
    pub url: String,
    /// `slug` to write, when the file name alone does not give the URL.
    pub slug: Option<String>,
    /// Every alias to write in front matter.
    pub aliases: Vec<String>,
    /// Source URLs that are now redirects because Charter cannot publish a page there.
    pub moved_from: Vec<String>,
    /// Folder (relative to `content/`) that bundle resources are copied into.
    pub bundle_dir: Option<String>,
    /// The source URL climbs out of the site (`/../x/`): nothing is written for this document,
    /// and the report asks a person where it belongs.
    pub outside_site: bool,
    /// Aliases left out because they climb out of the site.
    pub aliases_outside_site: Vec<String>,
    /// Aliases left out because another page, section, term or redirect publishes that URL (a
    /// redirect never replaces content): (alias, who publishes it).
    pub aliases_taken: Vec<(String, String)>,
}

/// Every document's place and the collisions found.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placement {
    /// In the order of the documents given.
    pub places: Vec<Place>,
    pub collisions: Vec<Collision>,
}

/// A URL in the two forms a static site can publish it: a folder (`/a/`) or a file (`/a.html`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Url {
    /// The folder form Charter publishes pages at.
    pub dir: String,
    /// The file the source published, when not `index.html` in a folder.
    pub file: Option<String>,
}

/// A root-relative URL path with its `.` and `..` segments resolved (also when written `%2e`, and
/// with `\` read as `/`, as browsers read them), or `None` when a `..` climbs above the site's
/// root: no file inside the site can answer such a URL. Every URL the importer places goes
/// through here first.
pub(crate) fn inside_site(url: &str) -> Option<String> {
    let mut path = url.trim();
    // A query string is no part of the path. A `#` is: the Hugo reader sets apart URLs with a
    // fragment from front matter, so a `#` left here comes from a file name (Hugo publishes
    // `C# notes.md` in a folder `c#-notes`, which a browser asks for as `c%23-notes`).
    if let Some(cut) = path.find('?') {
        path = &path[..cut];
    }
    let path = path.replace('\\', "/");
    let mut kept: Vec<&str> = Vec::new();
    let mut dir_form = true;
    for segment in path.split('/') {
        let dots = segment.to_ascii_lowercase().replace("%2e", ".");
        dir_form = matches!(dots.as_str(), "" | "." | "..");
        match dots.as_str() {
            "" | "." => {}
            ".." => {
                kept.pop()?;
            }
            _ => kept.push(segment),
        }
    }
    let mut out = format!("/{}", kept.join("/"));
    if dir_form && !out.ends_with('/') {
        out.push('/');
    }
    Some(out)
}

/// Normalises a root-relative URL: `/a/index.html` is `/a/`, `/a/b.html` keeps its file and
/// gets the folder `/a/b/`, `/a` (no extension) is `/a/`.
pub(crate) fn normalize_url(url: &str) -> Url {
    let mut u = url.trim().to_string();
    if let Some(cut) = u.find('?') {
        u.truncate(cut);
    }
    if !u.starts_with('/') {
        u.insert(0, '/');
    }
    while u.contains("//") {
        u = u.replace("//", "/");
    }
    if u.ends_with('/') {
        return Url { dir: u, file: None };
    }
    let last = u.rsplit('/').next().unwrap_or("");
    if last == "index.html" || last == "index.htm" {
        let dir = u[..u.len() - last.len()].to_string();
        return Url { dir, file: None };
    }
    match last.rfind('.') {
        Some(dot) if dot > 0 => {
            let stem_len = u.len() - (last.len() - dot);
            Url { dir: format!("{}/", &u[..stem_len]), file: Some(u.clone()) }
        }
        _ => Url { dir: format!("{u}/"), file: None },
    }
}

/// True when Charter's slug of `segment` is `segment` itself, so no `slug:` is needed.
fn plain_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Places every document. Sections come first so that they keep their folders; then pages in
/// source order; aliases last, so a page always wins its own URL over another page's alias.
pub(crate) fn place(docs: &[Doc], taxonomies: &[String]) -> Placement {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    // Within a kind, published documents first, so that a published page keeps its natural path
    // and a draft beside it at the same URL takes the numbered one.
    order.sort_by(|&a, &b| {
        (docs[a].kind, !docs[a].published, &docs[a].source).cmp(&(
            docs[b].kind,
            !docs[b].published,
            &docs[b].source,
        ))
    });

    // Folders that hold some other document: a page published at such a folder's URL becomes the
    // folder's `_index.md`, since Charter publishes a list page for every content folder.
    let mut folders: HashSet<String> = HashSet::new();
    for url in docs.iter().filter_map(|doc| inside_site(&doc.url)) {
        let segs = normalize_url(&url).dir.trim_matches('/').to_string();
        let mut cur = segs.as_str();
        while let Some((parent, _)) = cur.rsplit_once('/') {
            folders.insert(parent.to_string());
            cur = parent;
        }
    }

    let mut places: Vec<Option<Place>> = vec![None; docs.len()];
    let mut taken: HashSet<String> = HashSet::new();
    // URL -> who publishes it, and whether that one is a draft (drafts claim their URLs too, so
    // that a collision `charter build --drafts` would name is in the report, marked as such).
    let mut claims: BTreeMap<String, Vec<(String, bool)>> = BTreeMap::new();
    for t in taxonomies {
        claims
            .entry(format!("/{t}/"))
            .or_default()
            .push((format!("the `{t}` taxonomy list"), false));
    }
    // Term pages, at the URL Charter publishes them (only aliases can collide with them: a page
    // at a term URL is refused by `charter build` as a clash, and is rare).
    let mut terms: BTreeMap<String, bool> = BTreeMap::new();
    for doc in docs {
        for t in taxonomies {
            let Some(serde_json::Value::Array(names)) = doc.front.get(t) else { continue };
            let taxonomy = match crate::text::slugify(t) {
                s if s.is_empty() => t.clone(),
                s => s,
            };
            for name in names.iter().filter_map(serde_json::Value::as_str) {
                let url = format!("/{taxonomy}/{}/", crate::content::term_slug(name));
                let draft_only = terms.entry(url).or_insert(true);
                *draft_only &= !doc.published;
            }
        }
    }
    let term_urls: BTreeMap<String, bool> = terms;

    for &i in &order {
        let doc = &docs[i];
        let Some(resolved) = inside_site(&doc.url) else {
            places[i] =
                Some(Place { url: doc.url.clone(), outside_site: true, ..Place::default() });
            continue;
        };
        let url = normalize_url(&resolved);
        let name = doc.source.display().to_string();
        let mut moved_from = Vec::new();
        let place = match doc.kind {
            DocKind::Home => {
                taken.insert("_index.md".into());
                Place {
                    content_path: "_index.md".into(),
                    url: "/".into(),
                    slug: None,
                    aliases: vec![],
                    moved_from,
                    bundle_dir: None,
                    outside_site: false,
                    aliases_outside_site: vec![],
                    aliases_taken: vec![],
                }
            }
            DocKind::Section => {
                let dir = url.dir.trim_matches('/').to_string();
                let path = format!("{dir}/_index.md");
                taken.insert(path.clone());
                if !doc.resources.is_empty() {
                    taken.insert(format!("{dir}/index.md"));
                }
                Place {
                    content_path: path,
                    url: url.dir.clone(),
                    slug: None,
                    aliases: vec![],
                    moved_from,
                    bundle_dir: Some(dir),
                    outside_site: false,
                    aliases_outside_site: vec![],
                    aliases_taken: vec![],
                }
            }
            DocKind::Page => {
                if let Some(file) = &url.file {
                    moved_from.push(file.clone());
                }
                let segs = url.dir.trim_matches('/').to_string();
                let bundle = !doc.resources.is_empty();
                let natural = if segs.is_empty() {
                    None
                } else if folders.contains(&segs) {
                    Some(format!("{segs}/_index.md"))
                } else if bundle {
                    Some(format!("{segs}/index.md"))
                } else {
                    Some(format!("{segs}.md"))
                };
                let claimed = claims
                    .get(&url.dir)
                    .is_some_and(|c| c.iter().any(|(_, draft)| !draft || !doc.published));
                let free = |p: &str, taken: &HashSet<String>| {
                    let dir = p
                        .trim_end_matches("/_index.md")
                        .trim_end_matches("/index.md")
                        .trim_end_matches(".md");
                    !taken.contains(p)
                        && !taken.contains(&format!("{dir}/_index.md"))
                        && !taken.contains(&format!("{dir}/index.md"))
                        && !taken.contains(&format!("{dir}.md"))
                };
                let (path, slug) = match natural {
                    Some(p) if !claimed && free(&p, &taken) => {
                        let last = segs.rsplit('/').next().unwrap_or("");
                        (p, if plain_segment(last) { None } else { Some(last.to_string()) })
                    }
                    _ => {
                        // Another document already publishes this URL (or the URL is the home
                        // page's): keep this one beside it under a numbered file name; `slug` gives
                        // it the same URL, so `charter build` names the collision.
                        let (parent, last) = match segs.rsplit_once('/') {
                            Some((p, l)) => (format!("{p}/"), l.to_string()),
                            None => (String::new(), segs.clone()),
                        };
                        let stem = if last.is_empty() { "index".to_string() } else { last.clone() };
                        let mut n = 2;
                        let path = loop {
                            let candidate = if bundle {
                                format!("{parent}{stem}-{n}/index.md")
                            } else {
                                format!("{parent}{stem}-{n}.md")
                            };
                            if free(&candidate, &taken) {
                                break candidate;
                            }
                            n += 1;
                        };
                        if last.is_empty() {
                            (path, None)
                        } else {
                            (path, Some(last))
                        }
                    }
                };
                taken.insert(path.clone());
                let bundle_dir = if bundle {
                    Some(
                        path.trim_end_matches("/_index.md")
                            .trim_end_matches("/index.md")
                            .to_string(),
                    )
                } else {
                    None
                };
                let mut aliases = moved_from.clone();
                if segs.is_empty() {
                    // A page at `/` beside the home page: keep its URL as an alias (a collision).
                    aliases.push("/".into());
                }
                Place {
                    content_path: path,
                    url: url.dir.clone(),
                    slug,
                    aliases,
                    moved_from,
                    bundle_dir,
                    outside_site: false,
                    aliases_outside_site: vec![],
                    aliases_taken: vec![],
                }
            }
        };
        let draft = !doc.published;
        claims.entry(place.url.clone()).or_default().push((name.clone(), draft));
        for moved in &place.moved_from {
            claims.entry(moved.clone()).or_default().push((name.clone(), draft));
        }
        places[i] = Some(place);
    }

    // Aliases the source declared, after every page has its own URL. Of two documents with one
    // alias, the later in path order keeps it: the source generators write redirects in that
    // order, so the later one is what they served (Jekyll's own docs: `/conduct/`).
    for &i in order.iter().rev() {
        let doc = &docs[i];
        let Some(place) = places[i].as_mut().filter(|p| !p.outside_site) else { continue };
        for alias in &doc.aliases {
            let Some(resolved) = inside_site(alias) else {
                place.aliases_outside_site.push(alias.clone());
                continue;
            };
            let u = normalize_url(&resolved);
            let alias_url = u.file.clone().unwrap_or(u.dir.clone());
            if alias_url == place.url || place.aliases.contains(&alias_url) {
                continue;
            }
            // A redirect never replaces content: an alias at the URL of a page, section, term or
            // another redirect that `charter build` publishes is left out.
            let counts = |draft: bool| !draft || !doc.published;
            let holder = claims
                .get(&alias_url)
                .and_then(|who| who.iter().find(|(_, draft)| counts(*draft)))
                .map(|(name, _)| name.clone())
                .or_else(|| {
                    term_urls
                        .get(&alias_url)
                        .filter(|draft_only| counts(**draft_only))
                        .map(|_| format!("the term page {alias_url}"))
                });
            if let Some(holder) = holder {
                place.aliases_taken.push((alias_url, holder));
                continue;
            }
            place.aliases.push(alias_url.clone());
            claims
                .entry(alias_url)
                .or_default()
                .push((format!("{} (alias)", doc.source.display()), !doc.published));
        }
    }

    let collisions = claims
        .into_iter()
        .filter(|(_, who)| who.len() > 1)
        .map(|(url, who)| Collision {
            url,
            served: None,
            drafts: who.iter().filter(|(_, draft)| !draft).count() < 2,
            sources: who
                .into_iter()
                .map(|(name, draft)| if draft { format!("{name} (draft)") } else { name })
                .collect(),
        })
        .collect();
    Placement { places: places.into_iter().map(|p| p.unwrap_or_default()).collect(), collisions }
}

/// Two or more published pages at one URL, resolved the way the source generator served it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Demotion {
    /// The URL, in folder form.
    pub url: String,
    /// The page that keeps the URL, as the source generator served it.
    pub served: String,
    /// The pages made drafts.
    pub drafts: Vec<String>,
}

/// Keeps one published page per URL, as Hugo serves it, and makes the others drafts (a note on
/// each, and `draft: true`), so that `charter build` succeeds and nothing is lost.
///
/// Hugo 0.168 writes every page to its file in parallel, list pages (home, sections, terms)
/// before regular pages, and regular pages in the order of their content paths: the page whose
/// path sorts last is the one its output holds (found by building sites with two and three pages
/// at one URL, several times over). Two pages next to each other in that order race, and a
/// rebuild can keep the other one; the report says so. A page at a section's URL is left to
/// placement: the section keeps the URL in Charter, the page collides with it.
pub(crate) fn keep_one_page_per_url(docs: &mut [Doc], source_name: &str) -> Vec<Demotion> {
    let mut by_url: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, doc) in docs.iter().enumerate() {
        if doc.kind != DocKind::Page || !doc.published {
            continue;
        }
        if let Some(url) = inside_site(&doc.url) {
            let url = normalize_url(&url);
            by_url.entry(url.file.unwrap_or(url.dir)).or_default().push(i);
        }
    }
    let mut out = Vec::new();
    for (url, mut pages) in by_url.into_iter().filter(|(_, p)| p.len() > 1) {
        let order = |i: &usize| docs[*i].source.to_string_lossy().to_lowercase();
        pages.sort_by_key(order);
        let Some(winner) = pages.pop() else { continue };
        let served = docs[winner].source.display().to_string();
        let mut drafts = Vec::new();
        for &i in &pages {
            let doc = &mut docs[i];
            doc.published = false;
            doc.front.insert("draft".into(), serde_json::Value::Bool(true));
            doc.notes.push(Note::new(
                NoteKind::Unpublished,
                &doc.source,
                None,
                format!("{source_name} published this page and {served} at {url}, and served {served} there: imported as a draft (see Collisions)"),
            ));
            drafts.push(doc.source.display().to_string());
        }
        out.push(Demotion { url, served, drafts });
    }
    out
}

/// Link targets by the key each generator's links use (`Doc::link_key`).
pub(crate) struct LinkIndex {
    by_key: HashMap<String, String>,
    /// `@/` links of the documents the new site does not publish (drafts), with their URL.
    unpublished: HashMap<String, String>,
    /// URLs a published document is placed at.
    served: HashSet<String>,
}

impl LinkIndex {
    pub fn new(docs: &[Doc], places: &[Place]) -> Self {
        let mut by_key = HashMap::new();
        let mut unpublished = HashMap::new();
        // A draft at a URL another page publishes (a collision the import resolved) is no
        // broken link: the URL serves that page, as on the source site.
        let served: HashSet<&str> = docs
            .iter()
            .zip(places)
            .filter(|(d, p)| d.published && !p.outside_site)
            .map(|(_, p)| p.url.as_str())
            .collect();
        for (doc, place) in docs.iter().zip(places).filter(|(_, p)| !p.outside_site) {
            let link = format!("@/{}", place.content_path);
            if !doc.published {
                unpublished.insert(link.clone(), place.url.clone());
            }
            by_key.insert(doc.link_key.clone(), link);
        }
        let served = served.into_iter().map(str::to_string).collect();
        LinkIndex { by_key, unpublished, served }
    }

    /// The URL of the document an `@/` link names, when the new site does not publish it, and
    /// whether another page is served there (then the link is not broken).
    pub fn unpublished_url(&self, link: &str) -> Option<(&str, bool)> {
        self.unpublished.get(link).map(|url| (url.as_str(), self.served.contains(url)))
    }

    /// The `@/` link for a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.by_key.get(key).map(String::as_str)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.by_key.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(source: &str, kind: DocKind, url: &str) -> Doc {
        Doc::new(source, source, kind, url)
    }

    #[test]
    fn urls_that_climb_out_of_the_site_are_outside_it() {
        assert_eq!(inside_site("/a/../b/"), Some("/b/".into()));
        assert_eq!(inside_site("/a/./b.html"), Some("/a/b.html".into()));
        assert_eq!(inside_site("/a/.."), Some("/".into()));
        for out in [
            "/../x/",
            "/a/../../x/",
            "..",
            "/%2e%2e/x/",
            "/%2E%2e/x",
            "/..\\..\\x/",
            "/a/b/../../../x.html",
        ] {
            assert_eq!(inside_site(out), None, "{out}");
        }
        let p = place(
            &[doc("up.md", DocKind::Page, "/../../up/"), doc("ok.md", DocKind::Page, "/ok/")],
            &[],
        );
        assert!(p.places[0].outside_site);
        assert!(!p.places[1].outside_site);
        assert!(p.collisions.is_empty());
    }

    #[test]
    fn a_hash_from_a_file_name_is_part_of_the_path_and_a_query_is_not() {
        assert_eq!(inside_site("/notes/c#-notes/"), Some("/notes/c#-notes/".into()));
        assert_eq!(inside_site("/a/?p=1"), Some("/a/".into()));
        let p = place(&[doc("notes/C# notes.md", DocKind::Page, "/notes/c#-notes/")], &[]);
        assert_eq!(p.places[0].content_path, "notes/c#-notes.md");
        assert_eq!(p.places[0].slug.as_deref(), Some("c#-notes"));
    }

    #[test]
    fn urls_normalise_to_folder_and_file_forms() {
        assert_eq!(normalize_url("/a/b/"), Url { dir: "/a/b/".into(), file: None });
        assert_eq!(normalize_url("/a/index.html"), Url { dir: "/a/".into(), file: None });
        assert_eq!(normalize_url("/about-us"), Url { dir: "/about-us/".into(), file: None });
        assert_eq!(
            normalize_url("a//b.html"),
            Url { dir: "/a/b/".into(), file: Some("/a/b.html".into()) }
        );
    }

    #[test]
    fn the_content_path_gives_back_the_source_url() {
        let docs = vec![
            doc("about.md", DocKind::Page, "/about-us/"),
            doc("posts/_index.md", DocKind::Section, "/posts/"),
            doc("posts/x.md", DocKind::Page, "/posts/a/b/"),
        ];
        let p = place(&docs, &[]);
        assert_eq!(p.places[0].content_path, "about-us.md");
        assert_eq!(p.places[1].content_path, "posts/_index.md");
        assert_eq!(p.places[2].content_path, "posts/a/b.md");
        assert!(p.collisions.is_empty());
    }

    #[test]
    fn file_urls_become_aliases_of_a_folder_url() {
        let p = place(&[doc("_posts/2020-01-02-x.md", DocKind::Page, "/2020/01/02/x.html")], &[]);
        assert_eq!(p.places[0].content_path, "2020/01/02/x.md");
        assert_eq!(p.places[0].aliases, vec!["/2020/01/02/x.html".to_string()]);
        assert_eq!(p.places[0].moved_from, vec!["/2020/01/02/x.html".to_string()]);
    }

    #[test]
    fn bundles_get_a_folder_and_odd_segments_a_slug() {
        let mut b = doc("posts/b/index.md", DocKind::Page, "/posts/b/");
        b.resources.push(("x".into(), "img.png".into()));
        let p = place(&[b, doc("posts/Up.md", DocKind::Page, "/posts/Hello.World/")], &[]);
        assert_eq!(p.places[0].content_path, "posts/b/index.md");
        assert_eq!(p.places[0].bundle_dir.as_deref(), Some("posts/b"));
        assert_eq!(p.places[1].content_path, "posts/Hello.World.md");
        assert_eq!(p.places[1].slug.as_deref(), Some("Hello.World"));
    }

    #[test]
    fn collisions_keep_both_and_name_both() {
        let docs = vec![
            doc("about.md", DocKind::Page, "/about/"),
            doc("posts/old.md", DocKind::Page, "/about/"),
        ];
        let p = place(&docs, &[]);
        assert_eq!(p.places[0].content_path, "about.md");
        assert_eq!(p.places[1].content_path, "about-2.md");
        assert_eq!(p.places[1].slug.as_deref(), Some("about"));
        assert_eq!(
            p.collisions,
            vec![Collision {
                url: "/about/".into(),
                sources: vec!["about.md".into(), "posts/old.md".into()],
                drafts: false,
                served: None
            }]
        );
    }

    #[test]
    fn a_page_on_a_section_url_or_a_taxonomy_url_collides() {
        let docs = vec![
            doc("posts/_index.md", DocKind::Section, "/posts/"),
            doc("p.md", DocKind::Page, "/posts/"),
            doc("t.md", DocKind::Page, "/tags/"),
        ];
        let p = place(&docs, &["tags".to_string()]);
        assert_eq!(p.places[1].content_path, "posts-2.md");
        assert_eq!(p.collisions.len(), 2);
    }

    #[test]
    fn an_alias_at_a_page_s_url_is_left_out_and_the_page_keeps_it() {
        let mut a = doc("a.md", DocKind::Page, "/a/");
        a.aliases = vec!["/b".into(), "/old.html".into()];
        let docs = vec![a, doc("b.md", DocKind::Page, "/b/")];
        let p = place(&docs, &[]);
        assert_eq!(p.places[1].content_path, "b.md");
        // The page wins its URL: the alias is left out and named, not a collision.
        assert_eq!(p.places[0].aliases, vec!["/old.html".to_string()]);
        assert_eq!(p.places[0].aliases_taken, vec![("/b/".to_string(), "b.md".to_string())]);
        assert!(p.collisions.is_empty());
    }

    #[test]
    fn aliases_at_section_term_and_redirect_urls_are_left_out() {
        let mut a = doc("a.md", DocKind::Page, "/a/");
        a.aliases = vec!["/posts/".into(), "/tags/x/".into(), "/same/".into()];
        let mut b = doc("b.md", DocKind::Page, "/b/");
        b.aliases = vec!["/same/".into()];
        b.front.insert("tags".into(), serde_json::json!(["X"]));
        let docs = vec![a, b, doc("posts/_index.md", DocKind::Section, "/posts/")];
        let p = place(&docs, &["tags".to_string()]);
        // Of two aliases at one URL, the later document in path order keeps it (its redirect
        // is the one the source wrote last).
        assert_eq!(p.places[1].aliases, vec!["/same/".to_string()]);
        let taken: Vec<&str> = p.places[0].aliases_taken.iter().map(|(a, _)| a.as_str()).collect();
        assert_eq!(taken, vec!["/posts/", "/tags/x/", "/same/"]);
        assert_eq!(p.places[0].aliases_taken[2], ("/same/".into(), "b.md (alias)".into()));
        assert!(p.places[1].aliases_taken.is_empty());
        assert!(p.collisions.is_empty(), "{:?}", p.collisions);
    }

    #[test]
    fn of_published_pages_at_one_url_the_last_in_path_order_keeps_it() {
        let mut docs = vec![
            doc("about.md", DocKind::Page, "/about/"),
            doc("posts/old-about.md", DocKind::Page, "/about/"),
            doc("news/about.md", DocKind::Page, "/about"),
            doc("c.md", DocKind::Page, "/c/"),
        ];
        let demoted = keep_one_page_per_url(&mut docs, "Hugo");
        assert_eq!(
            demoted,
            vec![Demotion {
                url: "/about/".into(),
                served: "posts/old-about.md".into(),
                drafts: vec!["about.md".into(), "news/about.md".into()],
            }]
        );
        assert!(!docs[0].published && docs[1].published && !docs[2].published && docs[3].published);
        assert_eq!(docs[0].front.get("draft"), Some(&serde_json::Value::Bool(true)));
        let p = place(&docs, &[]);
        // The page that keeps the URL keeps its natural path; the drafts sit beside it.
        assert_eq!(p.places[1].content_path, "about.md");
        assert_eq!(p.places[0].slug.as_deref(), Some("about"));
        assert!(p.collisions.iter().all(|c| c.drafts), "{:?}", p.collisions);
    }

    #[test]
    fn a_page_at_a_folder_with_other_pages_is_that_folder_s_index() {
        let docs = vec![
            doc("docs/index.md", DocKind::Page, "/docs/"),
            doc("docs/setup.md", DocKind::Page, "/docs/setup/"),
        ];
        let p = place(&docs, &[]);
        assert_eq!(p.places[0].content_path, "docs/_index.md");
        assert_eq!(p.places[1].content_path, "docs/setup.md");
        assert!(p.collisions.is_empty());
    }

    #[test]
    fn collisions_with_drafts_are_found_and_marked() {
        let draft = |source: &str, url: &str| {
            let mut d = doc(source, DocKind::Page, url);
            d.published = false;
            d
        };
        let p = place(
            &[
                doc("a.md", DocKind::Page, "/a/"),
                draft("d.md", "/a/"),
                draft("x.md", "/b/"),
                draft("y.md", "/b/"),
            ],
            &[],
        );
        assert_ne!(p.places[0].content_path, p.places[1].content_path);
        assert_eq!(p.places[3].content_path, "b-2.md");
        assert_eq!(p.places[3].slug.as_deref(), Some("b"));
        assert_eq!(
            p.collisions,
            vec![
                Collision {
                    url: "/a/".into(),
                    sources: vec!["a.md".into(), "d.md (draft)".into()],
                    drafts: true,
                    served: None
                },
                Collision {
                    url: "/b/".into(),
                    sources: vec!["x.md (draft)".into(), "y.md (draft)".into()],
                    drafts: true,
                    served: None
                },
            ]
        );
    }
}
