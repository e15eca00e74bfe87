//! How Hugo titles a section that has no `_index.md`: the folder name, pluralised and title-cased
//! (`pluralizeListTitles` and `capitalizeListTitles`, both on by default, and `titleCaseStyle`,
//! AP by default), so that the `_index.md` the importer writes shows what Hugo showed.
//!
//! Hugo pluralises with the `flect` library; this is the part of its English rules that folder
//! names meet (regular endings, a few irregular and uncountable words). The expected values in
//! the tests were printed by Hugo 0.168 for folders of those names.

/// The title-case styles of Hugo's `titleCaseStyle`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TitleCase {
    /// AP (and Chicago, taken as AP): every word capitalised but the small ones inside.
    #[default]
    Ap,
    /// Go's `strings.Title`: every word capitalised.
    Go,
    /// Only the first letter.
    FirstUpper,
    /// As written.
    None,
}

impl TitleCase {
    /// Reads `titleCaseStyle` (case-insensitive); unknown values fall back to AP, as in Hugo.
    pub(crate) fn from_config(value: Option<&str>) -> TitleCase {
        match value.map(str::to_ascii_lowercase).as_deref() {
            Some("go") => TitleCase::Go,
            Some("firstupper") => TitleCase::FirstUpper,
            Some("none") => TitleCase::None,
            _ => TitleCase::Ap,
        }
    }
}

/// How a Hugo site titles its list pages without a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListTitles {
    pub pluralize: bool,
    pub capitalize: bool,
    pub style: TitleCase,
}

impl Default for ListTitles {
    fn default() -> Self {
        ListTitles { pluralize: true, capitalize: true, style: TitleCase::Ap }
    }
}

impl ListTitles {
    /// The title Hugo gives the section of folder `name` (`posts` -> `Posts`, `policy` ->
    /// `Policies`, `white-papers` -> `White-Papers`).
    pub(crate) fn section_title(&self, name: &str) -> String {
        let name = if self.pluralize { pluralize(name) } else { name.to_string() };
        if self.capitalize {
            title_case(&name, self.style)
        } else {
            name
        }
    }
}

const UNCOUNTABLE: &[&str] = &[
    "news",
    "data",
    "metadata",
    "series",
    "species",
    "information",
    "equipment",
    "feedback",
    "research",
    "software",
    "hardware",
    "advice",
    "media",
    "sheep",
    "fish",
    "deer",
    "moose",
    "music",
    "evidence",
    "police",
    "progress",
    "weather",
    "education",
    "staff",
];
const IRREGULAR: &[(&str, &str)] = &[
    ("person", "people"),
    ("child", "children"),
    ("man", "men"),
    ("woman", "women"),
    ("foot", "feet"),
    ("tooth", "teeth"),
    ("mouse", "mice"),
    ("goose", "geese"),
    ("ox", "oxen"),
];
/// Words in `-o` that take `-s` (the others take `-oes`: `hero` -> `heroes`).
const O_TAKES_S: &[&str] = &[
    "photo", "piano", "halo", "memo", "demo", "logo", "solo", "kilo", "euro", "auto", "casino",
    "info", "repo", "todo", "promo", "combo", "disco", "ego", "silo", "macro", "micro", "intro",
    "typo",
];

/// English plural of the last word of `name`, the rest kept as written.
fn pluralize(name: &str) -> String {
    let split = name
        .rfind(|c: char| !c.is_alphanumeric())
        .map(|i| i + name[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let (head, word) = name.split_at(split);
    if word.is_empty() {
        return name.to_string();
    }
    let lower = word.to_lowercase();
    if UNCOUNTABLE.contains(&lower.as_str()) || IRREGULAR.iter().any(|(_, plural)| *plural == lower)
    {
        return name.to_string();
    }
    if let Some((_, plural)) = IRREGULAR.iter().find(|(singular, _)| *singular == lower) {
        // Keep the word's own first-letter case: `Person` -> `People`.
        let mut chars = plural.chars();
        let first = chars.next().map(|c| {
            if word.starts_with(char::is_uppercase) {
                c.to_uppercase().collect::<String>()
            } else {
                c.to_string()
            }
        });
        return format!("{head}{}{}", first.unwrap_or_default(), chars.as_str());
    }
    let vowel = |c: Option<char>| matches!(c, Some('a' | 'e' | 'i' | 'o' | 'u'));
    let before_last = lower.chars().rev().nth(1);
    let plural_word = if lower.ends_with("is") {
        format!("{}es", &word[..word.len() - 2])
    } else if lower.ends_with("ss")
        || lower.ends_with("us")
        || lower.ends_with('x')
        || lower.ends_with("ch")
        || lower.ends_with("sh")
    {
        format!("{word}es")
    } else if lower.ends_with('s') {
        word.to_string() // already plural: `posts`, `categories`
    } else if lower.ends_with('z') {
        if vowel(before_last) {
            format!("{word}zes")
        } else {
            format!("{word}es")
        }
    } else if lower.ends_with('y') && !vowel(before_last) && before_last.is_some() {
        format!("{}ies", &word[..word.len() - 1])
    } else if lower.ends_with('o') && !vowel(before_last) && !O_TAKES_S.contains(&lower.as_str()) {
        format!("{word}es")
    } else {
        format!("{word}s")
    };
    format!("{head}{plural_word}")
}

/// AP's small words, lower case inside a title.
const SMALL_WORDS: &[&str] = &[
    "a", "an", "and", "at", "but", "by", "for", "in", "nor", "of", "on", "or", "so", "the", "to",
    "up", "yet",
];

/// Capitalises the words of `s` (split at spaces and hyphens) as `style` says; letters other than
/// a word's first are kept as written.
fn title_case(s: &str, style: TitleCase) -> String {
    let upper_first = |w: &str| -> String {
        let mut chars = w.chars();
        match chars.next() {
            Some(c) => c.to_uppercase().chain(chars).collect(),
            None => String::new(),
        }
    };
    match style {
        TitleCase::None => s.to_string(),
        TitleCase::FirstUpper => upper_first(s),
        TitleCase::Go | TitleCase::Ap => {
            let words: Vec<&str> = s.split_inclusive([' ', '-']).collect();
            let last = words.len().saturating_sub(1);
            words
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let bare = w.trim_end_matches([' ', '-']).to_lowercase();
                    if style == TitleCase::Ap
                        && i != 0
                        && i != last
                        && SMALL_WORDS.contains(&bare.as_str())
                    {
                        w.to_lowercase()
                    } else {
                        upper_first(w)
                    }
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_titles_are_the_ones_hugo_prints() {
        // Folder name -> the title Hugo 0.168 printed for it with its default config.
        let hugo = ListTitles::default();
        for (folder, title) in [
            ("posts", "Posts"),
            ("post", "Posts"),
            ("news", "News"),
            ("docs", "Docs"),
            ("data", "Data"),
            ("series", "Series"),
            ("categories", "Categories"),
            ("category", "Categories"),
            ("policy", "Policies"),
            ("analysis", "Analyses"),
            ("about", "Abouts"),
            ("box", "Boxes"),
            ("bus", "Buses"),
            ("quiz", "Quizzes"),
            ("hero", "Heroes"),
            ("photo", "Photos"),
            ("person", "People"),
            ("child", "Children"),
            ("faq", "Faqs"),
            ("api", "Apis"),
            ("2019", "2019s"),
            ("index2", "Index2s"),
            ("report-of-the-year", "Report-of-the-Years"),
            ("a-tale-of-two", "A-Tale-of-Twoes"),
            ("lessons-learned", "Lessons-Learneds"),
            ("my folder", "My Folders"),
            ("white_papers", "White_papers"),
            ("ÉTUDE", "ÉTUDEs"),
        ] {
            assert_eq!(hugo.section_title(folder), title, "{folder}");
        }
    }

    #[test]
    fn the_config_switches_are_honoured() {
        let plain = ListTitles { pluralize: false, capitalize: true, style: TitleCase::Ap };
        assert_eq!(plain.section_title("policy-of-the-year"), "Policy-of-the-Year");
        let raw = ListTitles { pluralize: false, capitalize: false, style: TitleCase::Ap };
        assert_eq!(raw.section_title("policy"), "policy");
        let first = ListTitles { pluralize: true, capitalize: true, style: TitleCase::FirstUpper };
        assert_eq!(first.section_title("report-of-the-year"), "Report-of-the-years");
        let go = ListTitles {
            pluralize: true,
            capitalize: true,
            style: TitleCase::from_config(Some("Go")),
        };
        assert_eq!(go.section_title("report-of-the-year"), "Report-Of-The-Years");
        assert_eq!(TitleCase::from_config(Some("chicago")), TitleCase::Ap);
    }
}
