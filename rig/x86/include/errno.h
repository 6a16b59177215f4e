/* The rig's libc on i386 (there is none): errno values of Zephyr's minimal libc and
 * newlib, which llext-rs's bare build returns (src/error.rs). Not glibc's. */
#ifndef RIG_ERRNO_H
#define RIG_ERRNO_H
#define ENOENT  2
#define ENOEXEC 8
#define ENOMEM  12
#define EFAULT  14
#define EBUSY   16
#define EEXIST  17
#define EINVAL  22
#define ENOSPC  28
#define ENODATA 61
#define ENOSYS  88
#define ENOTSUP 134
#endif
