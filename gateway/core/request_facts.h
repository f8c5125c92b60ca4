#pragma once

// What the gateway reads about the client from a request's headers and its
// connection: the request id, the language, the address for rate limits.

#include <string>
#include <string_view>

#include "gateway/core/http_types.h"
#include "gateway/core/request_handler.h"

namespace stadt::gateway {

// Keeps a well-formed client X-Request-Id ([A-Za-z0-9._-], at most 128) or
// makes a new random one.
std::string RequestIdFor(const HttpRequest& request);

// "de" or "en", whichever the Accept-Language header prefers (highest q,
// then the first listed); "de" without a header or with neither language.
// Passed to the services as x-stadt-language (mails are written in it).
std::string PreferredLanguage(std::string_view accept_language);
// PreferredLanguage of the request's Accept-Language header.
std::string LanguageOf(const HttpRequest& request);

// The client's address for rate limits: the TCP peer, or with trusted
// proxies the X-Forwarded-For entry the outermost of them added.
std::string ClientAddressFor(const HttpRequest& request, const ClientInfo& client,
                             int trusted_proxy_hops);

}  // namespace stadt::gateway
