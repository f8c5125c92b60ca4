// A fixture: a domain test may use the fake clock; only reminder_clock.h is
// reported.
#include "services/common/fake_clock.h"
