//! Pagination: a section's or a taxonomy term's list of pages split into pagers of
//! `paginate_by` pages. Pager 1 is the list page itself; pager k (k >= 2) lives at
//! `<list URL><paginate_path>/k/`, and `<list URL><paginate_path>/1/` redirects to the list page.
//! Templates get a `paginator` with Zola's names (`pages`, `current_index`, `number_pagers`,
//! `first`, `previous`, `next`, `last`, `paginate_by`, `base_url`, `total_pages`) plus `pagers`,
//! every pager's number and URL, for numbered navigation, and `permalink`, this pager's absolute
//! URL (its canonical URL).

use tera::{Map, Value};

use crate::config::{Config, Pagination, DEFAULT_PAGINATE_PATH, NUMBER_PLACEHOLDER};
use crate::content::{Library, PageId, SectionId};
use crate::render::values::Urls;

/// A list of pages that may be paginated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Listing {
    Section(SectionId),
    /// Taxonomy, term.
    Term(usize, usize),
}

impl Listing {
    /// The pages of the list, in its order.
    pub fn pages<'a>(&self, lib: &'a Library) -> &'a [PageId] {
        match *self {
            Listing::Section(s) => &lib.sections[s].pages,
            Listing::Term(t, i) => &lib.taxonomies[t].terms[i].pages,
        }
    }

    /// The URL path of the list page (pager 1): `/news/`.
    pub fn path<'a>(&self, lib: &'a Library) -> &'a str {
        match *self {
            Listing::Section(s) => &lib.sections[s].path,
            Listing::Term(t, i) => &lib.taxonomies[t].terms[i].path,
        }
    }

    /// How the list is paginated, if it is: the section's `paginate_by` (and `paginate_path`),
    /// or its taxonomy's in `site.yaml`.
    pub fn pagination(&self, lib: &Library, config: &Config) -> Option<Pagination> {
        match *self {
            Listing::Section(s) => {
                let front = &lib.sections[s].doc.front;
                front.paginate_by.map(|by| Pagination {
                    by,
                    path: front
                        .paginate_path
                        .clone()
                        .unwrap_or_else(|| DEFAULT_PAGINATE_PATH.to_string()),
                })
            }
            Listing::Term(t, _) => config.term_pagination.get(&lib.taxonomies[t].name).cloned(),
        }
    }

    /// How many pagers the list has (1 when it is not paginated; an empty list has one, empty).
    pub fn number_pagers(&self, lib: &Library, config: &Config) -> usize {
        match self.pagination(lib, config) {
            Some(p) => self.pages(lib).len().div_ceil(p.by).max(1),
            None => 1,
        }
    }

    /// The pager (1-based) that lists `page`, if the list holds it.
    pub fn pager_of(&self, lib: &Library, config: &Config, page: PageId) -> Option<usize> {
        let at = self.pages(lib).iter().position(|&p| p == page)?;
        Some(match self.pagination(lib, config) {
            Some(p) => at / p.by + 1,
            None => 1,
        })
    }

    /// The folder that holds the pagers and nothing else, as a URL path: `/news/page/`. None
    /// with Jekyll's `:num` form (`page:num`), whose pagers are folders of the list's own.
    pub fn pagers_folder(&self, lib: &Library, pagination: &Pagination) -> Option<String> {
        (!pagination.path.contains(NUMBER_PLACEHOLDER))
            .then(|| format!("{}{}/", self.path(lib), pagination.path))
    }
}

/// The URL path of pager `number` of a list at `list_path`, before the list itself takes the
/// place of pager 1: `/news/page/2/`, or `/news/page2/` for `paginate_path: page:num`.
fn numbered_path(list_path: &str, pagination: &Pagination, number: usize) -> String {
    if pagination.path.contains(NUMBER_PLACEHOLDER) {
        format!("{list_path}{}/", pagination.path.replace(NUMBER_PLACEHOLDER, &number.to_string()))
    } else {
        format!("{list_path}{}/{number}/", pagination.path)
    }
}

/// The URL path of pager `number` of a list at `list_path`: the list itself for pager 1.
pub fn pager_path(list_path: &str, pagination: &Pagination, number: usize) -> String {
    if number <= 1 {
        list_path.to_string()
    } else {
        numbered_path(list_path, pagination, number)
    }
}

/// The URL path of the redirect from pager 1's numbered URL to the list: `/news/page/1/`.
pub fn first_pager_redirect_path(list_path: &str, pagination: &Pagination) -> String {
    numbered_path(list_path, pagination, 1)
}

/// Every paginated list of the site with its pagination: sections with a page of their own, then
/// taxonomy terms.
pub fn paginated(lib: &Library, config: &Config) -> Vec<(Listing, Pagination)> {
    let sections = lib
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.publishes_page())
        .map(|(sid, _)| Listing::Section(sid));
    let terms = lib
        .taxonomies
        .iter()
        .enumerate()
        .flat_map(|(t, tax)| (0..tax.terms.len()).map(move |i| Listing::Term(t, i)));
    sections
        .chain(terms)
        .filter_map(|listing| listing.pagination(lib, config).map(|p| (listing, p)))
        .collect()
}

fn key(s: &'static str) -> tera::value::Key<'static> {
    tera::value::Key::Str(s)
}

/// The pages of pager `number` and the `paginator` value a template sees on it.
pub fn pager(
    listing: Listing,
    number: usize,
    lib: &Library,
    config: &Config,
    page_values: &[Value],
) -> (Value, Value) {
    let all = listing.pages(lib);
    let Some(pagination) = listing.pagination(lib, config) else {
        let pages: Vec<Value> = all.iter().map(|&p| page_values[p].clone()).collect();
        return (Value::from(pages), Value::none());
    };
    let urls = Urls { config };
    let list_path = listing.path(lib);
    let count = listing.number_pagers(lib, config);
    let start = (number - 1).saturating_mul(pagination.by).min(all.len());
    let end = start.saturating_add(pagination.by).min(all.len());
    let pages =
        Value::from(all[start..end].iter().map(|&p| page_values[p].clone()).collect::<Vec<_>>());
    let url = |n: usize| Value::from(urls.path(&pager_path(list_path, &pagination, n)));
    let mut m = Map::with_capacity(12);
    m.insert(key("pages"), pages.clone());
    m.insert(key("current_index"), Value::from(number));
    m.insert(key("number_pagers"), Value::from(count));
    m.insert(key("paginate_by"), Value::from(pagination.by));
    m.insert(key("total_pages"), Value::from(all.len()));
    let base = match pagination.path.split_once(NUMBER_PLACEHOLDER) {
        Some((before, _)) => format!("{list_path}{before}"),
        None => format!("{list_path}{}/", pagination.path),
    };
    m.insert(key("base_url"), Value::from(urls.path(&base)));
    m.insert(
        key("permalink"),
        Value::from(urls.permalink(&pager_path(list_path, &pagination, number))),
    );
    m.insert(key("first"), url(1));
    m.insert(key("last"), url(count));
    m.insert(key("previous"), if number > 1 { url(number - 1) } else { Value::none() });
    m.insert(key("next"), if number < count { url(number + 1) } else { Value::none() });
    let pagers: Vec<Value> = (1..=count)
        .map(|n| {
            let mut p = Map::with_capacity(3);
            p.insert(key("index"), Value::from(n));
            p.insert(key("path"), url(n));
            p.insert(key("current"), Value::from(n == number));
            Value::from(p)
        })
        .collect();
    m.insert(key("pagers"), Value::from(pagers));
    (pages, Value::from(m))
}
