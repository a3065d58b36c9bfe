fn main() -> std::process::ExitCode {
    gongshi::cli::main()
}
