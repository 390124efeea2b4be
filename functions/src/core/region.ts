// The one region every function runs in. africa-south1 (Johannesburg) is the closest Cloud
// Functions (2nd gen) and Firestore region to Malipo's users; keep the Firestore database there
// too. firebase.json's hosting rewrites name the same region (a unit test keeps them in step).
export const REGION = "africa-south1";
