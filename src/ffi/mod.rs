//! The C ABI: Zephyr 4.3's LLEXT types and functions, thin adapters onto the pipeline.
pub mod api;
pub mod elf;
pub mod symbol;
pub mod global;
pub mod loader;
pub mod types;
