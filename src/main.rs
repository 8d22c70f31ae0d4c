//! Glue: parse the command line and hand it to `hotline::cli`.

use clap::Parser;

fn main() {
    let cli = hotline::cli::Cli::parse();
    std::process::exit(hotline::cli::run(cli));
}
