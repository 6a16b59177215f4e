/* SPDX-License-Identifier: Apache-2.0 */
/* Second object of multi_file: defines data and a function used by the first. */
extern int mine;
int theirs = 0x18;

int add_mine(int arg)
{
	return arg + mine;
}
