/*
 * static.h — the built front end (web/dist) served as files: the resident app at "/",
 * the staff console at "/staff/". Hashed assets under /assets/ are cached for a year;
 * everything else is revalidated with its ETag. A text file's brotli or gzip form (FILE.br,
 * FILE.gz, made by the web build) goes out instead when Accept-Encoding prefers it.
 */
#ifndef GZF_HTTP_STATIC_H
#define GZF_HTTP_STATIC_H

#include "http/http.h"

/*
 * static_serve — answer req from the files under root. A path without a file name
 * extension that matches no file is an app route: it gets the app's index.html
 * (the staff console's under /staff/). Returns 0 with the reply set, or
 * GZF_ENOTFOUND. Paths with ".." or other tricks never leave root. A text file's reply
 * carries Vary: Accept-Encoding; a precompressed form is sent only beside its file and
 * when not older than it, with Content-Encoding and an ETag of its own.
 */
int static_serve(struct http_req *req, const char *root);

#endif
