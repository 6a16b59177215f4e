/*
 * llext-rs shell: the `llext` commands of Zephyr 4.3 (list, load_hex, unload,
 * list_symbols, call_fn), same syntax and messages, on the public llext API.
 * `load_llext` (file system) is left out: llext-rs has no file-system loader.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <string.h>
#include <zephyr/kernel.h>
#include <zephyr/shell/shell.h>
#include <zephyr/sys/util.h>
#include <zephyr/logging/log.h>
#include <zephyr/llext/llext.h>
#include <zephyr/llext/buf_loader.h>

#include "llext_rs_log.h"

LOG_MODULE_REGISTER(llext_shell, LLEXT_RS_LOG_LEVEL);

/* Staging buffer for `load_hex`; the mutex keeps two shell backends from sharing it. */
static uint8_t hex_buf[CONFIG_LLEXT_SHELL_MAX_SIZE] __aligned(Z_KERNEL_STACK_OBJ_ALIGN);
static K_MUTEX_DEFINE(hex_buf_lock);

/* ---- Extension-name completion ---- */

struct nth_ext {
	size_t wanted;
	size_t seen;
	struct llext *found;
};

static int nth_ext_cb(struct llext *ext, void *arg)
{
	struct nth_ext *n = arg;

	if (n->seen++ == n->wanted) {
		n->found = ext;
		return 1;
	}
	return 0;
}

static void ext_name_entry(size_t idx, struct shell_static_entry *entry)
{
	struct nth_ext n = {.wanted = idx};

	(void)llext_iterate(nth_ext_cb, &n);
	/* The name lives in the extension; the shell only reads it during completion. */
	entry->syntax = n.found != NULL ? n.found->name : NULL;
	entry->help = NULL;
	entry->subcmd = NULL;
	entry->handler = NULL;
	entry->args.mandatory = 0;
	entry->args.optional = 0;
}
SHELL_DYNAMIC_CMD_CREATE(ext_names, ext_name_entry);

/* Same, for commands that take one more argument after the name (call_fn). */
static void ext_name_then_arg_entry(size_t idx, struct shell_static_entry *entry)
{
	ext_name_entry(idx, entry);
	if (entry->syntax != NULL) {
		entry->args.mandatory = 1;
	}
}
SHELL_DYNAMIC_CMD_CREATE(ext_names_then_arg, ext_name_then_arg_entry);

/* ---- Commands ---- */

static int list_row_cb(struct llext *ext, void *arg)
{
	shell_print((const struct shell *)arg, "| %16s | %12zu |", ext->name, ext->alloc_size);
	return 0;
}

static int cmd_list(const struct shell *sh, size_t argc, char *argv[])
{
	ARG_UNUSED(argc);
	ARG_UNUSED(argv);

	shell_print(sh, "| Name             | Size         |");
	/* The callback only prints: discard the const qualifier for the void * argument. */
	return llext_iterate(list_row_cb, (void *)sh);
}

static int cmd_load_hex(const struct shell *sh, size_t argc, char *argv[])
{
	const char *name = argv[1];
	const char *hex = argv[2];
	size_t hex_len = strlen(hex);

	ARG_UNUSED(argc);

	if (strlen(name) > LLEXT_MAX_NAME_LEN) {
		shell_print(sh, "Extension name too long, max %d chars\n", LLEXT_MAX_NAME_LEN);
		return -EINVAL;
	}
	if (hex_len > (size_t)CONFIG_LLEXT_SHELL_MAX_SIZE * 2) {
		shell_print(sh, "Extension %zu bytes too large to load, max %d bytes\n", hex_len / 2,
			    CONFIG_LLEXT_SHELL_MAX_SIZE);
		return -ENOMEM;
	}

	(void)k_mutex_lock(&hex_buf_lock, K_FOREVER);

	/* 0 (bad hex) makes an empty buffer, which llext_load rejects. */
	size_t bin_len = hex2bin(hex, hex_len, hex_buf, sizeof(hex_buf));

	LOG_DBG("hex length %zu, buffer %zu, decoded %zu", hex_len, sizeof(hex_buf), bin_len);

	/*
	 * Temporary storage: everything is copied out, so the buffer can be reused by
	 * the next load_hex. Zephyr uses LLEXT_BUF_LOADER, whose persistent or
	 * writable extension keeps pointing into this buffer and is corrupted then.
	 */
	struct llext_buf_loader buf_loader = LLEXT_TEMPORARY_BUF_LOADER(hex_buf, bin_len);
	struct llext_load_param param = LLEXT_LOAD_PARAM_DEFAULT;
	struct llext *ext = NULL;
	int res = llext_load(&buf_loader.loader, name, &ext, &param);

	(void)k_mutex_unlock(&hex_buf_lock);

	/* On failure ext is NULL: report the requested name, never ext->name. */
	if (res == 0 && ext != NULL) {
		shell_print(sh, "Successfully loaded extension %s, addr %p\n", ext->name,
			    (void *)ext);
	} else if (res > 0) {
		/* Already loaded: llext_load only took another use of it. */
		shell_print(sh, "Extension %s already loaded, use count %d\n", name, res + 1);
	} else {
		shell_print(sh, "Failed to load extension %s, return code %d\n", name, res);
	}
	return 0;
}

static int cmd_unload(const struct shell *sh, size_t argc, char *argv[])
{
	struct llext *ext = llext_by_name(argv[1]);

	ARG_UNUSED(argc);

	if (ext == NULL) {
		shell_print(sh, "No such extension %s", argv[1]);
		return -ENOENT;
	}
	/* Drops one use; the extension is freed with its last one. */
	(void)llext_unload(&ext);
	shell_print(sh, "Unloaded extension %s\n", argv[1]);
	return 0;
}

static int cmd_list_symbols(const struct shell *sh, size_t argc, char *argv[])
{
	struct llext *ext = llext_by_name(argv[1]);

	ARG_UNUSED(argc);

	if (ext == NULL) {
		shell_print(sh, "No such llext %s", argv[1]);
		return -ENOENT;
	}

	shell_print(sh, "Extension: %s symbols", ext->name);
	shell_print(sh, "| Symbol           | Address    |");
	for (size_t i = 0; i < ext->exp_tab.sym_cnt; i++) {
		const struct llext_symbol *sym = &ext->exp_tab.syms[i];

		shell_print(sh, "| %16s | %p |", sym->name, sym->addr);
	}
	return 0;
}

static int cmd_call_fn(const struct shell *sh, size_t argc, char *argv[])
{
	struct llext *ext = llext_by_name(argv[1]);

	ARG_UNUSED(argc);

	if (ext == NULL) {
		shell_print(sh, "No such extension %s", argv[1]);
		return -ENOENT;
	}

	int res = llext_call_fn(ext, argv[2]);

	/* Zephyr stays silent here; an unknown function is worth a word. */
	if (res != 0) {
		shell_error(sh, "Failed to call %s in extension %s, return code %d", argv[2],
			    argv[1], res);
	}
	return 0;
}

SHELL_STATIC_SUBCMD_SET_CREATE(llext_cmds,
	SHELL_CMD(list, NULL, "List loaded extensions and their size in memory", cmd_list),
	SHELL_CMD_ARG(load_hex, NULL,
		      SHELL_HELP("Load an elf file encoded in hex directly from the shell input.",
				 "<ext_name> <ext_hex_string>"),
		      cmd_load_hex, 3, 0),
	SHELL_CMD_ARG(unload, &ext_names,
		      SHELL_HELP("Unload an extension by name.", "<ext_name>"),
		      cmd_unload, 2, 0),
	SHELL_CMD_ARG(list_symbols, &ext_names,
		      SHELL_HELP("List extension symbols.", "<ext_name>"),
		      cmd_list_symbols, 2, 0),
	SHELL_CMD_ARG(call_fn, &ext_names_then_arg,
		      SHELL_HELP("Call extension function with prototype void fn(void).",
				 "<ext_name> <function_name>"),
		      cmd_call_fn, 3, 0),
	SHELL_SUBCMD_SET_END
);

SHELL_CMD_REGISTER(llext, &llext_cmds, "Loadable extension commands", NULL);
