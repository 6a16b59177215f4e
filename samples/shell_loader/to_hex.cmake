# SPDX-License-Identifier: Apache-2.0
# cmake -DIN=<binary file> -DOUT=<text file> -P to_hex.cmake: one line of lowercase hex.
file(READ ${IN} content HEX)
file(WRITE ${OUT} "${content}\n")
