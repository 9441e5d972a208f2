fn main() {
    // Embedded migrations: rebuild when a .sql file changes.
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=config/default.toml");
}
