//! Writes the benchmark corpus (see `tests/corpus/mod.rs`):
//! `cargo run --release --example gen_corpus -- --pages N --out DIR [--flavor charter|zola|hugo] [--seed S] [--components]`.

#[path = "../tests/corpus/mod.rs"]
mod corpus;

use std::path::PathBuf;

fn main() {
    let mut pages: Option<usize> = None;
    let mut out: Option<PathBuf> = None;
    let mut flavor = corpus::Flavor::Charter;
    let mut seed = 7u64;
    let mut args = std::env::args().skip(1);
    let mut components = false;
    let usage = "usage: gen_corpus --pages N --out DIR [--flavor charter|zola|hugo] [--seed S] [--components]";
    while let Some(arg) = args.next() {
        if arg == "--components" {
            components = true;
            continue;
        }
        let value = args.next();
        match (arg.as_str(), value) {
            ("--pages", Some(v)) => pages = v.parse().ok(),
            ("--out", Some(v)) => out = Some(PathBuf::from(v)),
            ("--flavor", Some(v)) => match corpus::Flavor::parse(&v) {
                Some(f) => flavor = f,
                None => {
                    eprintln!("unknown flavor {v:?}\n{usage}");
                    std::process::exit(2);
                }
            },
            ("--seed", Some(v)) => seed = v.parse().unwrap_or(seed),
            _ => {
                eprintln!("{usage}");
                std::process::exit(2);
            }
        }
    }
    let (Some(pages), Some(out)) = (pages, out) else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    if components && flavor != corpus::Flavor::Charter {
        eprintln!("--components is for the charter flavor only\n{usage}");
        std::process::exit(2);
    }
    let written = if components {
        corpus::generate_with_components(&out, pages, seed)
    } else {
        corpus::generate(&out, pages, flavor, seed)
    };
    if let Err(e) = written {
        eprintln!("could not write the corpus into {}: {e}", out.display());
        std::process::exit(1);
    }
}
