/* features.h - the OCI runtime features document (`vessel features`). */
#ifndef VESSEL_FEATURES_H
#define VESSEL_FEATURES_H

/* The document, as runc prints it (four-space indent). */
char *features_json(const char *version, const char *commit);

#endif
