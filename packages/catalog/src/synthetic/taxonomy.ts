// Genre taxonomy for synthetic data: real genre and subgenre names with audio-feature
// prototypes (means) so generated features correlate with genre the way Spotify's do.

export interface GenreProfile {
  name: string;
  subgenres: readonly string[];
  /** share of artists in this genre */
  weight: number;
  danceability: number;
  energy: number;
  valence: number;
  tempo: number;
  acousticness: number;
  instrumentalness: number;
  speechiness: number;
  liveness: number;
  /** probability a track is in a major key */
  major: number;
  explicit: number;
  durationSeconds: number;
}

export const GENRES: readonly GenreProfile[] = [
  { name: 'pop', subgenres: ['dance pop', 'electropop', 'indie poptimism', 'post-teen pop', 'k-pop'], weight: 0.17, danceability: 0.66, energy: 0.68, valence: 0.55, tempo: 118, acousticness: 0.17, instrumentalness: 0.02, speechiness: 0.07, liveness: 0.16, major: 0.6, explicit: 0.15, durationSeconds: 205 },
  { name: 'rock', subgenres: ['classic rock', 'album rock', 'hard rock', 'permanent wave', 'garage rock'], weight: 0.13, danceability: 0.52, energy: 0.75, valence: 0.52, tempo: 124, acousticness: 0.14, instrumentalness: 0.06, speechiness: 0.05, liveness: 0.2, major: 0.72, explicit: 0.05, durationSeconds: 245 },
  { name: 'hip hop', subgenres: ['trap', 'southern hip hop', 'gangster rap', 'hip pop', 'boom bap'], weight: 0.14, danceability: 0.74, energy: 0.65, valence: 0.5, tempo: 121, acousticness: 0.16, instrumentalness: 0.01, speechiness: 0.22, liveness: 0.19, major: 0.52, explicit: 0.7, durationSeconds: 210 },
  { name: 'r&b', subgenres: ['neo soul', 'new jack swing', 'urban contemporary', 'alternative r&b'], weight: 0.08, danceability: 0.67, energy: 0.57, valence: 0.52, tempo: 112, acousticness: 0.26, instrumentalness: 0.02, speechiness: 0.1, liveness: 0.16, major: 0.5, explicit: 0.3, durationSeconds: 225 },
  { name: 'edm', subgenres: ['electro house', 'big room', 'progressive electro house', 'tropical house', 'pop edm'], weight: 0.1, danceability: 0.66, energy: 0.83, valence: 0.4, tempo: 126, acousticness: 0.07, instrumentalness: 0.2, speechiness: 0.08, liveness: 0.21, major: 0.53, explicit: 0.05, durationSeconds: 215 },
  { name: 'latin', subgenres: ['reggaeton', 'latin pop', 'tropical', 'latin hip hop'], weight: 0.08, danceability: 0.74, energy: 0.71, valence: 0.65, tempo: 118, acousticness: 0.21, instrumentalness: 0.04, speechiness: 0.1, liveness: 0.18, major: 0.55, explicit: 0.2, durationSeconds: 215 },
  { name: 'indie', subgenres: ['indie rock', 'indie folk', 'bedroom pop', 'dream pop', 'shoegaze'], weight: 0.08, danceability: 0.53, energy: 0.56, valence: 0.43, tempo: 120, acousticness: 0.34, instrumentalness: 0.12, speechiness: 0.05, liveness: 0.15, major: 0.66, explicit: 0.08, durationSeconds: 230 },
  { name: 'jazz', subgenres: ['bebop', 'cool jazz', 'jazz fusion', 'vocal jazz', 'nu jazz'], weight: 0.05, danceability: 0.52, energy: 0.36, valence: 0.5, tempo: 112, acousticness: 0.71, instrumentalness: 0.5, speechiness: 0.06, liveness: 0.2, major: 0.55, explicit: 0.01, durationSeconds: 290 },
  { name: 'classical', subgenres: ['baroque', 'romantic era', 'contemporary classical', 'minimalism'], weight: 0.04, danceability: 0.3, energy: 0.15, valence: 0.25, tempo: 100, acousticness: 0.93, instrumentalness: 0.85, speechiness: 0.04, liveness: 0.12, major: 0.6, explicit: 0, durationSeconds: 330 },
  { name: 'country', subgenres: ['contemporary country', 'outlaw country', 'country road', 'bluegrass'], weight: 0.05, danceability: 0.58, energy: 0.63, valence: 0.6, tempo: 122, acousticness: 0.3, instrumentalness: 0.01, speechiness: 0.04, liveness: 0.17, major: 0.85, explicit: 0.03, durationSeconds: 205 },
  { name: 'metal', subgenres: ['thrash metal', 'death metal', 'metalcore', 'power metal', 'doom metal'], weight: 0.05, danceability: 0.4, energy: 0.92, valence: 0.32, tempo: 130, acousticness: 0.01, instrumentalness: 0.18, speechiness: 0.08, liveness: 0.22, major: 0.5, explicit: 0.1, durationSeconds: 270 },
  { name: 'ambient', subgenres: ['dark ambient', 'drone', 'lo-fi beats', 'chillhop'], weight: 0.04, danceability: 0.45, energy: 0.22, valence: 0.3, tempo: 90, acousticness: 0.7, instrumentalness: 0.85, speechiness: 0.05, liveness: 0.11, major: 0.55, explicit: 0, durationSeconds: 240 },
  { name: 'folk', subgenres: ['singer-songwriter', 'traditional folk', 'americana', 'chamber folk'], weight: 0.04, danceability: 0.5, energy: 0.35, valence: 0.45, tempo: 112, acousticness: 0.78, instrumentalness: 0.05, speechiness: 0.04, liveness: 0.14, major: 0.75, explicit: 0.01, durationSeconds: 235 },
  { name: 'reggae', subgenres: ['roots reggae', 'dancehall', 'dub', 'ska'], weight: 0.03, danceability: 0.75, energy: 0.6, valence: 0.7, tempo: 100, acousticness: 0.18, instrumentalness: 0.08, speechiness: 0.12, liveness: 0.2, major: 0.6, explicit: 0.1, durationSeconds: 225 },
];
