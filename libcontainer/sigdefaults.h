/* sigdefaults.h - signal state reset before exec. */
#pragma once

/* Every signal back to SIG_DFL, none blocked. Async-signal-safe. */
void process_reset_signals(void);
