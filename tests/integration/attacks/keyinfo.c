/* keyinfo - the session keyring, seen from inside or outside a container.
 *
 *   keyinfo             print "SERIAL DESCRIPTION" of this process's session
 *                       keyring (KEYCTL_DESCRIBE: type;uid;gid;perm;name)
 *   keyinfo add SERIAL  add a "user" key to keyring SERIAL
 *   keyinfo clear SERIAL  clear keyring SERIAL
 *   keyinfo list SERIAL   read the serials linked in keyring SERIAL
 *
 * The last three print "add ok" / "add err ERRNO" and so on: the attack of
 * a process of the same uid on somebody else's keyring. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(const char *what, long r) {
  if (r < 0)
    printf("%s err %s\n", what, strerrorname_np(errno));
  else
    printf("%s ok\n", what);
  return r < 0;
}

int main(int argc, char **argv) {
  if (argc == 3) {
    long serial = strtol(argv[2], NULL, 16);
    if (strcmp(argv[1], "add") == 0)
      return report("add", syscall(SYS_add_key, "user", "vessel-test", "x", 1, serial));
    if (strcmp(argv[1], "clear") == 0)
      return report("clear", syscall(SYS_keyctl, 7 /* KEYCTL_CLEAR */, serial));
    if (strcmp(argv[1], "list") == 0) {
      char buf[256];
      return report("list", syscall(SYS_keyctl, 11 /* KEYCTL_READ */, serial, buf, sizeof(buf)));
    }
    return 2;
  }
  long id = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* KEY_SPEC_SESSION_KEYRING */, 0);
  if (id < 0) {
    printf("none %s\n", strerrorname_np(errno));
    return 1;
  }
  char buf[512] = "";
  long n = syscall(SYS_keyctl, 6 /* KEYCTL_DESCRIBE */, id, buf, sizeof(buf) - 1);
  if (n < 0) {
    printf("%lx describe-failed %s\n", id, strerrorname_np(errno));
    return 1;
  }
  printf("%lx %s\n", id, buf);
  return 0;
}
