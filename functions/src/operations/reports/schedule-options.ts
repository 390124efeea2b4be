// The report's clock, a deploy option of its schedule: it sits apart from the report's code,
// which loads only when the report runs (endpoints/schedules.ts imports this at deploy time).
// The default time zone of Cloud Scheduler is UTC, not Nairobi: it is set explicitly.
export const REPORT_TIME_ZONE = "Africa/Nairobi";
export const REPORT_SCHEDULE = "every day 00:30";
