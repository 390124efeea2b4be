// The nightly ledger check's clock (check.ts): its schedule's time zone is a deploy option, so it
// sits apart from the check's code, which loads only when the check runs.
export const CHECK_TIME_ZONE = "Africa/Nairobi";
