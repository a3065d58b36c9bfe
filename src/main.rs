/// mimalloc instead of glibc's malloc: imports build and free millions of small strings, and glibc
/// spent a third of a re-import in `_int_malloc`/`malloc_consolidate` (benches/RESULTS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    gongshi::cli::main()
}
