use std::process::ExitCode;

fn main() -> ExitCode {
    git_reauth::commands::main()
}
