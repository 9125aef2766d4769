#define BOOST_TEST_MODULE helowrap
#include <boost/test/unit_test.hpp>
