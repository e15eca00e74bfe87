//! The `charter` command line: parses arguments, calls the library, prints diagnostics and sets
//! the exit code. No site logic lives here.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
