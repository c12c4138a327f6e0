/* test_mountopts.c - mount options: every name vessel knows maps to the right
 * MS_* flag, propagation or recursive attribute; everything else is data for
 * the filesystem, kept in order. */
#include "unit.h"

#include <linux/mount.h>
#include <sys/mount.h>

#include "../../libcontainer/config.h"
#include "../../libcontainer/syscalls.h"

static void apply(struct mount_cfg *m, const char *opt, int want) {
  struct error *err = NULL;
  int r = mount_option_apply(m, opt, &err);
  assert_null(err);
  if (r != want)
    fail_msg("mount_option_apply(\"%s\") = %d, want %d", opt, r, want);
}

static void test_flag_options(void **state) {
  (void)state;
  static const struct { const char *set, *unset; unsigned long flag; } t[] = {
      {"ro", "rw", MS_RDONLY},           {"nosuid", "suid", MS_NOSUID},
      {"nodev", "dev", MS_NODEV},        {"noexec", "exec", MS_NOEXEC},
      {"sync", "async", MS_SYNCHRONOUS}, {"mand", "nomand", MS_MANDLOCK},
      {"noatime", "atime", MS_NOATIME},  {"nodiratime", "diratime", MS_NODIRATIME},
      {"relatime", "norelatime", MS_RELATIME}, {"strictatime", "nostrictatime", MS_STRICTATIME},
      {"lazytime", "nolazytime", MS_LAZYTIME}, {"silent", "loud", MS_SILENT},
      {"iversion", "noiversion", MS_I_VERSION}, {"nosymfollow", "symfollow", MS_NOSYMFOLLOW},
      {"acl", "noacl", MS_POSIXACL},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    struct mount_cfg m = {0};
    apply(&m, t[i].set, 1);
    assert_int_equal(m.flags, t[i].flag);
    assert_int_equal(m.clear, 0);
    apply(&m, t[i].unset, 1);
    assert_int_equal(m.flags, 0);
    assert_int_equal(m.clear, t[i].flag);
    /* The last one wins. */
    apply(&m, t[i].set, 1);
    assert_int_equal(m.flags, t[i].flag);
    assert_int_equal(m.clear, 0);
    assert_int_equal(m.propagation, 0);
    assert_int_equal(m.rec_attr_set, 0);
    assert_int_equal(m.rec_attr_clr, 0);
    assert_null(m.data);
  }
  struct mount_cfg m = {0};
  apply(&m, "dirsync", 1);
  assert_int_equal(m.flags, MS_DIRSYNC);
  m.flags = 0;
  apply(&m, "remount", 1);
  assert_int_equal(m.flags, MS_REMOUNT);
  m.flags = 0;
  apply(&m, "defaults", 1);
  assert_int_equal(m.flags, 0);
  assert_int_equal(m.clear, 0);
}

static void test_propagation_options(void **state) {
  (void)state;
  static const struct { const char *name; unsigned long flag; } t[] = {
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
      {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
      {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    struct mount_cfg m = {0};
    apply(&m, t[i].name, 1);
    assert_int_equal(m.propagation, t[i].flag);
    assert_int_equal(m.flags, 0);
  }
  struct mount_cfg m = {0};
  apply(&m, "rshared", 1);
  apply(&m, "private", 1);
  assert_int_equal(m.propagation, MS_PRIVATE);
}

static void test_recursive_attributes(void **state) {
  (void)state;
  static const struct { const char *set, *unset; uint64_t attr; } t[] = {
      {"rro", "rrw", MOUNT_ATTR_RDONLY},         {"rnosuid", "rsuid", MOUNT_ATTR_NOSUID},
      {"rnodev", "rdev", MOUNT_ATTR_NODEV},      {"rnoexec", "rexec", MOUNT_ATTR_NOEXEC},
      {"rnodiratime", "rdiratime", MOUNT_ATTR_NODIRATIME},
      {"rrelatime", "rnorelatime", MOUNT_ATTR_RELATIME},
      {"rnoatime", "ratime", MOUNT_ATTR_NOATIME},
      {"rstrictatime", "rnostrictatime", MOUNT_ATTR_STRICTATIME},
      {"rnosymfollow", "rsymfollow", MOUNT_ATTR_NOSYMFOLLOW},
  };
  for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
    struct mount_cfg m = {0};
    apply(&m, t[i].set, 1);
    assert_int_equal(m.rec_attr_set, t[i].attr);
    assert_int_equal(m.rec_attr_clr, 0);
    apply(&m, t[i].unset, 1);
    assert_int_equal(m.rec_attr_set, 0);
    assert_int_equal(m.rec_attr_clr, t[i].attr);
    assert_int_equal(m.flags, 0);
  }
  struct mount_cfg m = {0};
  apply(&m, "rro", 1);
  apply(&m, "rnosuid", 1);
  apply(&m, "rnodev", 1);
  assert_int_equal(m.rec_attr_set, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

static void test_bind_idmap_tmpcopyup(void **state) {
  (void)state;
  struct mount_cfg m = {0};
  apply(&m, "bind", 1);
  assert_true(m.bind);
  assert_false(m.rbind);
  assert_true(mount_is_bind(&m));
  m = (struct mount_cfg){0};
  apply(&m, "rbind", 1);
  assert_true(m.bind && m.rbind);
  m = (struct mount_cfg){0};
  apply(&m, "tmpcopyup", 1);
  assert_true(m.tmpcopyup);
  apply(&m, "idmap", 1);
  assert_true(m.idmap);
  assert_false(m.ridmap);
  m = (struct mount_cfg){0};
  apply(&m, "ridmap", 1);
  assert_true(m.idmap && m.ridmap);
  m = (struct mount_cfg){0};
  assert_false(mount_is_bind(&m));
  m.type = "bind";
  assert_true(mount_is_bind(&m));
  m.type = "tmpfs";
  assert_false(mount_is_bind(&m));
}

static void test_data_options(void **state) {
  (void)state;
  static const char *data[] = {"mode=755", "size=65536k", "newinstance", "gid=5",
                               "ptmxmode=0666", "uid=0", "context=\"x\"", "RO", "Ro",
                               "nosuid ", "lowerdir=/a:/b", "x-systemd.automount", ""};
  for (size_t i = 0; i < ARRAY_SIZE(data); i++) {
    struct mount_cfg m = {0};
    apply(&m, data[i], 0);
    assert_int_equal(m.flags, 0);
    assert_int_equal(m.clear, 0);
    assert_int_equal(m.propagation, 0);
    assert_int_equal(m.rec_attr_set | m.rec_attr_clr, 0);
    assert_false(m.bind || m.idmap || m.tmpcopyup);
  }
}

static void test_names_for_features(void **state) {
  (void)state;
  const char *names[128];
  size_t n = mount_option_names(names, ARRAY_SIZE(names));
  assert_true(n > 60);
  /* Each listed name is recognised, and listed once. */
  for (size_t i = 0; i < n; i++) {
    struct mount_cfg m = {0};
    apply(&m, names[i], 1);
    for (size_t j = 0; j < i; j++)
      if (strcmp(names[i], names[j]) == 0)
        fail_msg("\"%s\" is listed twice", names[i]);
  }
  static const char *must[] = {"rro", "rrw", "bind", "rbind", "idmap", "ridmap", "tmpcopyup",
                               "nosymfollow", "rnosymfollow", "rprivate", "runbindable"};
  for (size_t i = 0; i < ARRAY_SIZE(must); i++) {
    bool found = false;
    for (size_t j = 0; j < n; j++)
      found |= strcmp(names[j], must[i]) == 0;
    if (!found)
      fail_msg("\"%s\" is not listed", must[i]);
  }
  /* A short buffer is not overrun. */
  const char *few[3] = {NULL, NULL, NULL};
  assert_int_equal(mount_option_names(few, 2), 2);
  assert_null(few[2]);
}

/* Options as config.json gives them: flags out, data in order. */
static struct config *parse_mount(const char *mount_json) {
  char *doc = xasprintf("{\"ociVersion\":\"1.0.0\",\"root\":{\"path\":\"r\"},"
                        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]},"
                        "\"mounts\":[%s]}", mount_json);
  struct config *c = NULL;
  struct error *err = NULL;
  int r = config_parse(doc, strlen(doc), &c, &err);
  free(doc);
  assert_no_error(r, err);
  assert_int_equal(c->n_mounts, 1);
  return c;
}

static void test_config_split(void **state) {
  (void)state;
  struct config *c = parse_mount(
      "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\",\"options\":"
      "[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"\",\"mode=0620\",\"gid=5\","
      "\"rslave\",\"rro\"]}");
  struct mount_cfg *m = &c->mounts[0];
  assert_string_equal(m->destination, "/dev/pts");
  assert_string_equal(m->type, "devpts");
  assert_string_equal(m->source, "devpts");
  assert_int_equal(m->flags, MS_NOSUID | MS_NOEXEC);
  assert_int_equal(m->propagation, MS_SLAVE | MS_REC);
  assert_int_equal(m->rec_attr_set, MOUNT_ATTR_RDONLY);
  assert_string_equal(m->data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
  assert_int_equal(strv_len(m->options), 9);
  assert_string_equal(m->options[4], "");
  config_free(c);

  c = parse_mount("{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                  "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]}");
  assert_int_equal(c->mounts[0].flags, MS_NOSUID | MS_STRICTATIME);
  assert_string_equal(c->mounts[0].data, "mode=755,size=65536k");
  config_free(c);

  c = parse_mount("{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"}");
  assert_null(c->mounts[0].data);
  assert_null(c->mounts[0].options);
  assert_int_equal(c->mounts[0].flags, 0);
  config_free(c);

  c = parse_mount("{\"destination\":\"/data\",\"type\":\"none\",\"source\":\"/srv\","
                  "\"options\":[\"rbind\",\"ro\",\"rw\",\"nodev\"]}");
  m = &c->mounts[0];
  assert_true(m->bind && m->rbind);
  assert_int_equal(m->flags, MS_NODEV);
  assert_int_equal(m->clear, MS_RDONLY);
  assert_null(m->data);
  config_free(c);

  /* type "bind" alone makes a bind mount. */
  c = parse_mount("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\"}");
  assert_true(c->mounts[0].bind);
  assert_false(c->mounts[0].rbind);
  config_free(c);

  /* A relative destination is taken from the root, with a warning (as runc). */
  c = parse_mount("{\"destination\":\"data\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}");
  assert_string_equal(c->mounts[0].destination, "/data");
  config_free(c);
}

static void test_config_idmapped(void **state) {
  (void)state;
  struct config *c = parse_mount(
      "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\",\"options\":[\"rbind\"],"
      "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
      "\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1},"
      "{\"containerID\":1,\"hostID\":300000,\"size\":10}]}");
  struct mount_cfg *m = &c->mounts[0];
  assert_true(m->idmap);
  assert_false(m->ridmap);
  assert_int_equal(m->n_uid_mappings, 1);
  assert_int_equal(m->uid_mappings[0].host_id, 100000);
  assert_int_equal(m->uid_mappings[0].size, 65536);
  assert_int_equal(m->n_gid_mappings, 2);
  assert_int_equal(m->gid_mappings[1].container_id, 1);
  assert_int_equal(m->gid_mappings[1].host_id, 300000);
  assert_int_equal(m->gid_mappings[1].size, 10);
  config_free(c);
  c = parse_mount("{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\","
                  "\"options\":[\"ridmap\"]}");
  assert_true(c->mounts[0].idmap && c->mounts[0].ridmap);
  config_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_flag_options),
      cmocka_unit_test(test_propagation_options),
      cmocka_unit_test(test_recursive_attributes),
      cmocka_unit_test(test_bind_idmap_tmpcopyup),
      cmocka_unit_test(test_data_options),
      cmocka_unit_test(test_names_for_features),
      cmocka_unit_test(test_config_split),
      cmocka_unit_test(test_config_idmapped),
  };
  return cmocka_run_group_tests_name("mountopts", tests, NULL, NULL);
}
