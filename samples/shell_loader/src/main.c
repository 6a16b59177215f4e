/* SPDX-License-Identifier: Apache-2.0 */
/* Nothing to do here: extensions are managed with the `llext` shell commands. */

int main(void)
{
	return 0;
}
