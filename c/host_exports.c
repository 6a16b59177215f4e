/*
 * Bounds of the base image's EXPORT_SYMBOL table in a hosted build. GNU ld defines
 * __start_/__stop_ for section llext_rs_exports when the program has entries; the weak
 * references are NULL otherwise (e.g. Rust test binaries).
 */
extern const char __start_llext_rs_exports[] __attribute__((weak));
extern const char __stop_llext_rs_exports[] __attribute__((weak));

const void *llext_rs_host_exports_start(void)
{
	return __start_llext_rs_exports;
}

const void *llext_rs_host_exports_end(void)
{
	return __stop_llext_rs_exports;
}
