#pragma once

#include "boost/beast/http/message.hpp"
#include "boost/beast/http/string_body.hpp"

namespace stadt::gateway {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

}  // namespace stadt::gateway
