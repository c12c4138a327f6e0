/* fuzz_config.c - config_parse on arbitrary bytes: it must fail cleanly (an
 * error with a message) or succeed, never crash, leak or read out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../libcontainer/config.h"
#include "../../libcontainer/log.h"

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  struct error *err = NULL;
  /* Warnings about relative mount destinations are not interesting here. */
  log_init("/dev/null", LOG_TEXT, false, &err);
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct config *c = NULL;
  struct error *err = NULL;
  if (config_parse((const char *)data, size, &c, &err) == 0) {
    if (c == NULL || err != NULL || c->raw_len != size || memcmp(c->raw, data, size) != 0)
      abort();
    config_free(c);
  } else {
    if (c != NULL || err == NULL || err->msg == NULL || err->msg[0] == '\0')
      abort();
    error_free(err);
  }
  return 0;
}
