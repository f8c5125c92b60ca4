// The one translation unit that compiles Asio's and Beast's non-template code
// (BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION are set
// for the whole project), instead of every file that includes them doing it
// again: Beast's own advice for builds that include it in many places.
#include "boost/asio/impl/src.hpp"
#include "boost/asio/ssl/impl/src.hpp"
#include "boost/beast/src.hpp"
