// When the bills catalogue is refreshed (catalogue.ts): a deploy option, so it sits apart from the
// catalogue's code, which loads only when the refresh runs.
export const CATALOGUE_REFRESH = "every 6 hours";
