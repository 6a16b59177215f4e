/* The rig's libc on i386: only what the LLEXT headers use. */
#ifndef RIG_SYS_TYPES_H
#define RIG_SYS_TYPES_H
typedef __PTRDIFF_TYPE__ ssize_t;
#endif
