/* SPDX-License-Identifier: Apache-2.0 */
/* Exports a function used by export_dependent_ext. */
#include <zephyr/llext/symbol.h>

long dep_multiply(int a, int b)
{
	return (long)a * b;
}
EXPORT_SYMBOL(dep_multiply);
