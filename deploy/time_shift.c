// Shifts the wall clock of a process (and of the children that inherit its
// environment) by STADT_TIME_SHIFT_SECONDS, for deploy/time_travel.sh:
//   cc -shared -fPIC -O2 -o time_shift.so deploy/time_shift.c
//   LD_PRELOAD=$PWD/time_shift.so STADT_TIME_SHIFT_SECONDS=86400 some-binary
//
// Why not libfaketime (Debian 0.9.10): Redis (jemalloc) hangs at start under it
// (recursive clock_gettime during its set-up), and abseil's Mutex waits with a
// timeout are futex syscalls with an absolute CLOCK_REALTIME deadline, which
// libfaketime does not see: every timed wait then lasted the offset (days).
// Here the real time comes from the raw syscall (no dlsym, no malloc, so
// nothing can recurse), and absolute realtime futex deadlines made from the
// shifted clock are shifted back before they reach the kernel. The monotonic
// clock is left alone. x86-64 Linux only (the syscall is made directly).
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#if !defined(__x86_64__) || !defined(__linux__)
#error "time_shift.c makes x86-64 Linux syscalls directly"
#endif

static long RawSyscall(long number, long a1, long a2, long a3, long a4, long a5, long a6) {
  long result;
  register long r10 __asm__("r10") = a4;
  register long r8 __asm__("r8") = a5;
  register long r9 __asm__("r9") = a6;
  __asm__ volatile("syscall"
                   : "=a"(result)
                   : "a"(number), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return result;
}

// The libc convention: -1 and errno for a failed call.
static long LibcResult(long result) {
  if (result < 0 && result > -4096) {
    errno = (int)-result;
    return -1;
  }
  return result;
}

// Read once; getenv and strtoll neither allocate nor read the clock.
static long ShiftSeconds(void) {
  static atomic_long cached = 0;
  static atomic_int known = 0;
  if (!atomic_load(&known)) {
    const char* text = getenv("STADT_TIME_SHIFT_SECONDS");
    atomic_store(&cached, text == NULL ? 0 : strtoll(text, NULL, 10));
    atomic_store(&known, 1);
  }
  return atomic_load(&cached);
}

static int IsWallClock(clockid_t clock) {
  return clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI;
}

int clock_gettime(clockid_t clock, struct timespec* now) {
  const long result = LibcResult(RawSyscall(SYS_clock_gettime, clock, (long)now, 0, 0, 0, 0));
  if (result == 0 && IsWallClock(clock)) now->tv_sec += ShiftSeconds();
  return (int)result;
}

int gettimeofday(struct timeval* restrict now, void* restrict zone) {
  (void)zone;
  struct timespec precise;
  if (clock_gettime(CLOCK_REALTIME, &precise) != 0) return -1;
  now->tv_sec = precise.tv_sec;
  now->tv_usec = precise.tv_nsec / 1000;
  return 0;
}

time_t time(time_t* out) {
  struct timespec now;
  if (clock_gettime(CLOCK_REALTIME, &now) != 0) return (time_t)-1;
  if (out != NULL) *out = now.tv_sec;
  return now.tv_sec;
}

int timespec_get(struct timespec* now, int base) {
  if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, now) != 0) return 0;
  return base;
}

// abseil (and gRPC through it) wait with syscall(SYS_futex, ...,
// FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, ..., absolute deadline).
long syscall(long number, ...) {
  va_list args;
  va_start(args, number);
  long a[6];
  for (int i = 0; i < 6; ++i) a[i] = va_arg(args, long);
  va_end(args);
  if (number == SYS_clock_gettime) return clock_gettime((clockid_t)a[0], (struct timespec*)a[1]);
  struct timespec deadline;
  const int op = (int)a[1];
  if (number == SYS_futex && (op & FUTEX_CLOCK_REALTIME) != 0 && a[3] != 0 &&
      (op & FUTEX_CMD_MASK) == FUTEX_WAIT_BITSET) {
    deadline = *(const struct timespec*)a[3];
    // A deadline already past (abseil gives the epoch) stays past, and valid.
    deadline.tv_sec = deadline.tv_sec > ShiftSeconds() ? deadline.tv_sec - ShiftSeconds() : 0;
    a[3] = (long)&deadline;
  }
  return LibcResult(RawSyscall(number, a[0], a[1], a[2], a[3], a[4], a[5]));
}
