/*
 * llext-rs CONFIG_LLEXT_RS_EXPORT_DEVICES: exports the device object of every
 * status-okay devicetree node under its DEVICE_DT_GET() name (__device_dts_ord_<N>),
 * as Zephyr's CONFIG_LLEXT_EXPORT_DEVICES does from inside Z_DEVICE_DEFINE (which
 * only happens under CONFIG_LLEXT, so it is done here instead).
 *
 * Whether a node has a driver is only known at link time: the device objects are
 * referenced weakly, and a node without one is exported as NULL. The loader treats a
 * NULL export as missing, so an extension using such a node fails to load, as it
 * would fail to link.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

#include <zephyr/device.h>
#include <zephyr/devicetree.h>
#include <zephyr/toolchain.h>
#include <zephyr/llext/symbol.h>

/* Same type as device.h's declaration, made weak. */
#define LLEXT_RS_DEVICE_EXPORT(node_id)                                                    \
	extern COND_CODE_1(Z_DEVICE_IS_MUTABLE(node_id), (), (const)) struct device        \
		DEVICE_DT_NAME_GET(node_id) __weak;                                        \
	EXPORT_SYMBOL(DEVICE_DT_NAME_GET(node_id));

DT_FOREACH_STATUS_OKAY_NODE(LLEXT_RS_DEVICE_EXPORT)
