// Curated vocabulary: descriptive words people put in playlist prompts and search queries, each
// mapped to plan constraints. Feature ranges are on Spotify's audio-feature scales (0..1, tempo
// in BPM) and were chosen against the TidyTuesday distribution (median energy ~0.72, valence
// ~0.51, tempo ~122 BPM), so "chill" or "sad" keep a meaningful slice of a pop-heavy catalog.
import type { FeatureBounds, SequencingArc } from './ranges';

export type VocabularyKind =
  | 'mood'
  | 'activity'
  | 'feel'
  | 'style'
  | 'era'
  | 'genre'
  | 'discovery'
  | 'taste'
  | 'explicit'
  | 'arc'
  | 'length';

export interface VocabularyEntry {
  kind: VocabularyKind;
  /** the label that reaches plans and notes, e.g. "rainy-day" */
  canonical: string;
  /** surface forms; matched after folding, ignoring spaces and hyphens */
  phrases: readonly string[];
  features?: FeatureBounds;
  /** release years as absolute bounds, or relative to the current year ("recent") */
  years?: readonly [number, number] | { readonly recentYears: number };
  arc?: SequencingArc;
  discovery?: number;
  similarToUser?: number;
  explicitAllowed?: boolean;
  trackCount?: number;
  /** refinements only: multiply the current length ("longer" 1.5, "shorter" 0.67) */
  lengthScale?: number;
  /** curated genres: catalog genres to use when the catalog lacks this exact one */
  relatedGenres?: readonly string[];
  /** comparatives ("slower") move an existing range in refinements instead of replacing it */
  comparative?: boolean;
  /** the ranges "no X" means when they are not the plain complement of `features` */
  negatedFeatures?: FeatureBounds;
  /** life stages ("in high school in 2008"): a single year nearby widens by this many years each way */
  widenYears?: number;
  /** relative eras: "older"/"newer" than the seed artists (absolute `years` without seeds) */
  yearDirection?: 'older' | 'newer';
  /** why the word maps to these ranges or years (people and occasions), shown to the listener */
  rationale?: string;
}

const e = (entry: VocabularyEntry): VocabularyEntry => entry;

export const MOODS: readonly VocabularyEntry[] = [
  e({ kind: 'mood', canonical: 'chill', phrases: ['lazy', 'tranquilo', 'tranquila', 'tranquilas', 'tranquilos', 'relajado', 'relajada', 'relajante', 'relajantes', 'relaxante', 'relaxantes', 'relaxant', 'relaxante', 'detente', 'entspannt', 'entspannte', 'entspannter', 'entspanntes', 'entspannend', 'entspannende', 'entspannen', 'zum entspannen', 'para relajarse', 'pour se detendre', 'chill', 'chilled', 'chill out', 'chillout', 'chilling', 'laid back', 'laidback', 'relaxed', 'relaxing', 'relax', 'easy going', 'easygoing', 'lounge'], features: { energy: [0, 0.55] } }),
  e({ kind: 'mood', canonical: 'calm', phrases: ['calma', 'calmada', 'calmado', 'calme', 'calmes', 'doux', 'douce', 'ruhig', 'ruhige', 'ruhiger', 'ruhiges', 'sanft', 'sanfte', 'suave', 'suaves', 'tranquille', 'tranquilles', 'calm', 'calming', 'peaceful', 'soothing', 'serene', 'tranquil', 'gentle', 'quiet'], features: { energy: [0, 0.45] } }),
  e({ kind: 'mood', canonical: 'mellow', phrases: ['mellow', 'soft', 'smooth', 'low key', 'lowkey', 'low energy'], features: { energy: [0, 0.5] } }),
  e({ kind: 'mood', canonical: 'sad', phrases: ['triste', 'tristes', 'tristeza', 'traurig', 'traurige', 'trauriger', 'trauriges', 'melancolica', 'melancolico', 'para llorar', 'pour pleurer', 'zum weinen', 'crying after a breakup', 'songs to cry to', 'sad', 'sadness', 'heartbreak', 'heartbroken', 'breakup', 'break up', 'crying', 'cry', 'depressing', 'depressed', 'tearjerker', 'tearjerkers', 'gloomy', 'blue', 'lonely'], features: { valence: [0, 0.35], energy: [0, 0.65] } }),
  e({ kind: 'mood', canonical: 'melancholic', phrases: ['melancholic', 'melancholy', 'wistful', 'bittersweet', 'somber', 'sombre', 'pensive', 'reflective'], features: { valence: [0, 0.4], energy: [0, 0.6] } }),
  e({ kind: 'mood', canonical: 'happy', phrases: ['alegre', 'alegres', 'feliz', 'felices', 'felizes', 'joyeux', 'joyeuse', 'joyeuses', 'heureux', 'heureuse', 'gai', 'gaie', 'frohlich', 'frohliche', 'frohlicher', 'frohliches', 'gute laune', 'happier songs', 'happy', 'joyful', 'cheerful', 'feel good', 'feelgood', 'good vibes', 'good mood', 'positive', 'fun', 'sunny', 'bright', 'carefree'], features: { valence: [0.6, 1] } }),
  e({ kind: 'mood', canonical: 'uplifting', phrases: ['motivador', 'motivadora', 'motivante', 'motivierend', 'motivierende', 'uplifting', 'inspiring', 'inspirational', 'motivational', 'motivating', 'euphoric', 'anthemic', 'triumphant'], features: { valence: [0.5, 1], energy: [0.6, 1] } }),
  e({ kind: 'mood', canonical: 'dark', phrases: ['oscuro', 'oscura', 'sombre', 'dunkel', 'dunkle', 'dustere', 'duster', 'dark', 'brooding', 'ominous', 'sinister', 'eerie', 'haunting', 'spooky', 'gothic'], features: { valence: [0, 0.35] } }),
  e({ kind: 'mood', canonical: 'moody', phrases: ['moody', 'introspective', 'emotional', 'emo vibes', 'atmospheric'], features: { valence: [0, 0.45], energy: [0, 0.7] } }),
  e({ kind: 'mood', canonical: 'romantic', phrases: ['romantico', 'romantica', 'romanticas', 'romanticos', 'romantique', 'romantiques', 'romantisch', 'romantische', 'amor', 'amour', 'liebe', 'liebeslieder', 'canciones de amor', 'chansons d amour', 'romantic', 'romance', 'love songs', 'love song', 'in love', 'date night', 'valentine', 'valentines', 'tender'], features: { energy: [0, 0.65], valence: [0.3, 0.85] } }),
  e({ kind: 'mood', canonical: 'sensual', phrases: ['sensual', 'sexy', 'seductive', 'sultry', 'slow jams', 'slow jam', 'bedroom'], features: { energy: [0, 0.65], danceability: [0.55, 1] } }),
  e({ kind: 'mood', canonical: 'angry', phrases: ['enojado', 'rabia', 'colere', 'wutend', 'wut', 'aggressiv', 'agresivo', 'agressif', 'angry', 'anger', 'rage', 'furious', 'aggressive', 'aggro', 'mad'], features: { energy: [0.75, 1], valence: [0, 0.45] } }),
  e({ kind: 'mood', canonical: 'dreamy', phrases: ['dreamy', 'ethereal', 'hazy', 'floaty', 'spacey', 'spacy', 'otherworldly', 'dreamlike'], features: { energy: [0, 0.55], valence: [0.15, 0.7] } }),
  e({ kind: 'mood', canonical: 'rainy-day', phrases: ['rainy day', 'rainy days', 'rainy', 'rain', 'raining', 'stormy', 'grey day', 'gray day', 'cloudy'], features: { energy: [0, 0.5], valence: [0, 0.5] } }),
  e({ kind: 'mood', canonical: 'nostalgic', phrases: ['nostalgic', 'nostalgia', 'sentimental', 'memories'] }),
  e({ kind: 'mood', canonical: 'epic', phrases: ['epico', 'epica', 'episch', 'epic', 'cinematic', 'powerful', 'grand', 'intense', 'dramatic'], features: { energy: [0.7, 1] } }),
  e({ kind: 'mood', canonical: 'groovy', phrases: ['bailable', 'bailables', 'dansant', 'dansante', 'tanzbar', 'tanzbare', 'groovy', 'funky', 'groove', 'grooves', 'bouncy', 'danceable', 'danceable tracks'], features: { danceability: [0.65, 1] } }),
  e({ kind: 'mood', canonical: 'summer', phrases: ['verano', 'verao', 'ete', 'sommer', 'playa', 'praia', 'plage', 'strand', 'bbq', 'barbecue', 'barbeque', 'cookout', 'picnic', 'garden party', 'backyard', 'churrasco', 'asado', 'grillen', 'grillparty', 'summer', 'summery', 'summertime', 'beach', 'tropical vibes', 'pool party', 'poolside', 'vacation', 'holiday'], features: { valence: [0.55, 1], energy: [0.5, 1] } }),
  e({ kind: 'mood', canonical: 'winter', phrases: ['invierno', 'inverno', 'hiver', 'gemutlich', 'christmas', 'xmas', 'christmas dinner', 'navidad', 'natal', 'noel', 'weihnachten', 'winter', 'wintry', 'cozy', 'cosy', 'snowy', 'fireplace', 'autumn', 'fall vibes'], features: { energy: [0, 0.55] } }),
  e({ kind: 'mood', canonical: 'confident', phrases: ['confident', 'swagger', 'badass', 'boss'], features: { energy: [0.6, 1] } }),
  e({ kind: 'mood', canonical: 'late-night', phrases: ['late night drive', 'madrugada', 'nuit', 'de noche', 'nachts', 'late night', 'late nite', 'midnight', 'night drive', 'after hours', '3am', '2am'], features: { energy: [0, 0.65], valence: [0, 0.6] } }),
];

export const ACTIVITIES: readonly VocabularyEntry[] = [
  e({ kind: 'activity', canonical: 'workout', phrases: ['leg day', 'gym session', 'entrenamiento', 'entrenar', 'treino', 'treinar', 'academia', 'entrainement', 'muskulation', 'fitnessstudio', 'sport', 'deporte', 'esporte', 'workout', 'work out', 'working out', 'gym', 'training', 'lifting', 'weightlifting', 'crossfit', 'hiit', 'exercise', 'exercising', 'fitness', 'cardio', 'spin class'], features: { energy: [0.72, 1], tempo: [115, 200] }, arc: 'rise' }),
  e({ kind: 'activity', canonical: 'running', phrases: ['correr', 'corriendo', 'courir', 'course', 'laufen', 'joggen', 'run', 'running', 'runs', 'jog', 'jogging', 'marathon training', '5k', '10k'], features: { energy: [0.7, 1], tempo: [120, 190] }, arc: 'steady' }),
  e({ kind: 'activity', canonical: 'study', phrases: ['study session', 'estudiar', 'estudio', 'estudar', 'estudos', 'etudier', 'etudes', 'revisions', 'lernen', 'zum lernen', 'study', 'studying', 'homework', 'exam', 'exams', 'revision', 'revising'], features: { energy: [0, 0.55], speechiness: [0, 0.12] } }),
  e({ kind: 'activity', canonical: 'reading', phrases: ['reading', 'read', 'book', 'books', 'library'], features: { energy: [0, 0.5], speechiness: [0, 0.12] } }),
  e({ kind: 'activity', canonical: 'focus', phrases: ['concentracion', 'concentracao', 'concentration', 'konzentration', 'trabajar', 'trabalho', 'travail', 'arbeit', 'arbeiten', 'focus', 'focused', 'concentration', 'concentrate', 'deep work', 'productivity', 'productive', 'coding', 'programming', 'work', 'working', 'office'], features: { energy: [0, 0.6], speechiness: [0, 0.12] } }),
  e({ kind: 'activity', canonical: 'sleep', phrases: ['dormir', 'para dormir', 'pour dormir', 'sommeil', 'schlafen', 'zum schlafen', 'einschlafen', 'fall asleep', 'falling asleep', 'fall asleep to', 'nap time', 'naptime', 'siesta', 'soneca', 'berceuse', 'wiegenlied', 'schlaflied', 'sleep', 'sleeping', 'bedtime', 'bed time', 'nap', 'napping', 'falling asleep', 'lullaby', 'lullabies', 'insomnia'], features: { energy: [0, 0.35], tempo: [0, 105] }, arc: 'wind-down' }),
  e({ kind: 'activity', canonical: 'meditation', phrases: ['meditacion', 'meditacao', 'meditar', 'meditation', 'meditate', 'meditating', 'yoga', 'mindfulness', 'spa', 'massage'], features: { energy: [0, 0.35] }, arc: 'steady' }),
  e({ kind: 'activity', canonical: 'party', phrases: ['fiesta', 'fiestas', 'festa', 'festas', 'fete', 'faire la fete', 'soiree', 'feiern', 'fete entre amis', 'rumba', 'perreo party', 'warehouse rave', 'rager', 'party', 'parties', 'partying', 'house party', 'club', 'clubbing', 'night out', 'rave', 'celebration', 'celebrate'], features: { energy: [0.65, 1], danceability: [0.65, 1] }, arc: 'rise-fall' }),
  e({ kind: 'activity', canonical: 'pregame', phrases: ['hyped', 'getting hyped', 'hype me up', 'basketball game', 'football game', 'game day', 'gameday', 'before the game', 'before a game', 'tailgate', 'tailgating', 'locker room', 'warm up for the game', 'pregame', 'pre game', 'pre party', 'getting ready', 'get ready', 'hype', 'hype up', 'pump up', 'pumped', 'pumped up', 'turn up', 'bangers'], features: { energy: [0.75, 1] }, arc: 'rise' }),
  e({ kind: 'activity', canonical: 'dancing', phrases: ['bailar', 'para bailar', 'baile', 'dancar', 'para dancar', 'danca', 'danser', 'pour danser', 'tanzen', 'zum tanzen', 'tanzmusik', 'dance', 'dancing', 'dancefloor', 'dance floor'], features: { danceability: [0.7, 1], energy: [0.6, 1] } }),
  e({ kind: 'activity', canonical: 'dinner', phrases: ['dinner', 'dinner party', 'dining', 'brunch', 'restaurant', 'wine', 'cocktails', 'cocktail hour'], features: { energy: [0.2, 0.65], speechiness: [0, 0.2] } }),
  e({ kind: 'activity', canonical: 'cooking', phrases: ['cocinar', 'cozinhar', 'cuisiner', 'kochen', 'cooking', 'cook', 'kitchen', 'baking'], features: { valence: [0.5, 1], energy: [0.35, 0.85] } }),
  e({ kind: 'activity', canonical: 'commute', phrases: ['commute', 'commuting', 'train ride', 'bus ride', 'subway', 'on the way to work', 'walk to work'] }),
  e({ kind: 'activity', canonical: 'driving', phrases: ['conducir', 'manejar', 'dirigir', 'viaje', 'viagem', 'conduire', 'autofahrt', 'roadtrip with', 'road trip with', 'driving', 'drive', 'road trip', 'roadtrip', 'car ride', 'cruising', 'highway'], features: { energy: [0.55, 0.95], valence: [0.4, 1] } }),
  e({ kind: 'activity', canonical: 'walking', phrases: ['caminar', 'caminhar', 'marcher', 'spazieren', 'wandern', 'walk', 'walking', 'stroll', 'hike', 'hiking'], features: { energy: [0.35, 0.8] } }),
  e({ kind: 'activity', canonical: 'cleaning', phrases: ['limpiar', 'limpeza', 'menage', 'putzen', 'cleaning the apartment', 'apartment cleaning', 'cleaning', 'clean the house', 'cleaning the house', 'cleaning house', 'cleaning up', 'chores', 'housework', 'tidying'], features: { energy: [0.6, 1], valence: [0.55, 1] } }),
  e({ kind: 'activity', canonical: 'morning', phrases: ['manana', 'por la manana', 'matin', 'morgen', 'sunday morning', 'desayuno', 'cafe', 'kaffee', 'morning', 'mornings', 'wake up', 'waking up', 'sunrise', 'breakfast', 'coffee'], features: { valence: [0.45, 1] }, arc: 'rise' }),
  e({ kind: 'activity', canonical: 'gaming', phrases: ['gaming', 'video games', 'game night'], features: { energy: [0.6, 1] } }),
  e({ kind: 'activity', canonical: 'wind-down', phrases: ['lazy sunday morning', 'lazy afternoon', 'lazy day', 'sunday afternoon', 'rainy sunday', 'wind down', 'winding down', 'unwind', 'unwinding', 'after work', 'decompress', 'evening', 'lazy sunday'], features: { energy: [0, 0.55] }, arc: 'wind-down' }),
];

/** Tempo / energy / valence words; comparatives move ranges in refinements. */
export const FEELS: readonly VocabularyEntry[] = [
  e({ kind: 'feel', canonical: 'upbeat', phrases: ['upbeat', 'up beat', 'lively', 'peppy', 'bubbly', 'vibrant'], features: { energy: [0.6, 1], valence: [0.5, 1] } }),
  e({ kind: 'feel', canonical: 'high-energy', phrases: ['high energy', 'energetic', 'energy', 'loud', 'hard hitting', 'banging', 'heavy', 'intense energy', 'fired up'], features: { energy: [0.75, 1] } }),
  e({ kind: 'feel', canonical: 'slow', phrases: ['slow', 'slow tempo', 'downtempo', 'down tempo', 'slow paced', 'ballad', 'ballads'], features: { tempo: [0, 100], energy: [0, 0.6] } }),
  e({ kind: 'feel', canonical: 'fast', phrases: ['fast', 'fast paced', 'fast tempo', 'high tempo', 'uptempo', 'up tempo', 'quick', 'rapid'], features: { tempo: [125, 220], energy: [0.6, 1] } }),
  e({ kind: 'feel', canonical: 'slower', phrases: ['slower', 'more slow', 'less fast', 'slow it down', 'slow down'], features: { tempo: [0, 105], energy: [0, 0.65] }, comparative: true }),
  e({ kind: 'feel', canonical: 'faster', phrases: ['faster', 'less slow', 'speed it up', 'speed up', 'quicker'], features: { tempo: [118, 220], energy: [0.6, 1] }, comparative: true }),
  e({ kind: 'feel', canonical: 'calmer', phrases: ['chiller', 'more chill', 'more relaxed', 'less intense', 'less aggressive', 'less loud', 'calmer', 'softer', 'quieter', 'gentler', 'mellower', 'lower energy', 'less energy', 'less energetic', 'tone it down'], features: { energy: [0, 0.55] }, comparative: true }),
  e({ kind: 'feel', canonical: 'more energetic', phrases: ['more upbeat', 'more intense', 'more aggressive', 'more energetic', 'more energy', 'higher energy', 'louder', 'harder', 'heavier', 'livelier', 'pump it up', 'amp it up'], features: { energy: [0.7, 1] }, comparative: true }),
  e({ kind: 'feel', canonical: 'happier', phrases: ['happier', 'brighter', 'more positive', 'cheerier', 'sunnier', 'more cheerful'], features: { valence: [0.55, 1] }, comparative: true }),
  e({ kind: 'feel', canonical: 'sadder', phrases: ['sadder', 'darker', 'moodier', 'gloomier', 'more melancholic'], features: { valence: [0, 0.4] }, comparative: true }),
  e({ kind: 'feel', canonical: 'danceable', phrases: ['more groovy', 'more dancey', 'more danceable', 'danceier', 'groovier'], features: { danceability: [0.65, 1] }, comparative: true }),
];

export const STYLES: readonly VocabularyEntry[] = [
  e({ kind: 'style', canonical: 'acoustic', phrases: ['acustico', 'acustica', 'acusticas', 'acousticas', 'acoustique', 'akustisch', 'campfire', 'bonfire', 'by the campfire', 'acoustic', 'unplugged', 'stripped', 'stripped down', 'organic', 'guitar and vocals'], features: { acousticness: [0.55, 1] } }),
  e({ kind: 'style', canonical: 'electronic-sound', phrases: ['electronic sounding', 'synthetic', 'synthy', 'synths', 'synth'], features: { acousticness: [0, 0.3] } }),
  e({ kind: 'style', canonical: 'instrumental', phrases: ['sin letra', 'sem letra', 'sans paroles', 'ohne gesang', 'instrumentales', 'instrumentais', 'instrumental', 'instrumentals', 'no vocals', 'no lyrics', 'without vocals', 'without lyrics', 'wordless'], features: { instrumentalness: [0.5, 1], speechiness: [0, 0.1] } }),
  e({ kind: 'style', canonical: 'vocal', phrases: ['vocal', 'vocals', 'singing', 'sing along', 'singalong', 'with lyrics', 'karaoke'], features: { instrumentalness: [0, 0.2] } }),
  e({ kind: 'style', canonical: 'lyrical', phrases: ['lyrical', 'wordy', 'bars', 'spoken word', 'rapping', 'rap heavy'], features: { speechiness: [0.25, 1] } }),
  e({ kind: 'style', canonical: 'piano', phrases: ['piano', 'solo piano', 'piano only', 'keys'], features: { acousticness: [0.5, 1] } }),
  // Liveness above ~0.8 means an audience is almost certainly present (Spotify's own guidance).
  e({ kind: 'style', canonical: 'live', phrases: ['live', 'live recordings', 'live recording', 'concert', 'live versions', 'live version', 'live performances', 'live performance', 'in concert', 'recorded live', 'en vivo', 'ao vivo', 'en direct', 'en concierto'], features: { liveness: [0.65, 1] }, negatedFeatures: { liveness: [0, 0.3] } }),
  e({ kind: 'style', canonical: 'studio', phrases: ['studio', 'studio versions', 'studio version', 'studio recordings', 'studio recording', 'album versions', 'album version'], features: { liveness: [0, 0.3] } }),
  // Spotify's mode: 1 = major, 0 = minor.
  e({ kind: 'style', canonical: 'minor key', phrases: ['minor key', 'minor keys', 'in minor', 'in a minor key', 'minor chords', 'minor tonality', 'tonalidad menor', 'tom menor', 'mode mineur', 'in moll'], features: { mode: [0, 0] }, negatedFeatures: { mode: [1, 1] } }),
  e({ kind: 'style', canonical: 'major key', phrases: ['major key', 'major keys', 'in major', 'in a major key', 'major chords', 'major tonality', 'tonalidad mayor', 'tom maior', 'mode majeur', 'in dur'], features: { mode: [1, 1] }, negatedFeatures: { mode: [0, 0] } }),
  e({ kind: 'style', canonical: 'covers', phrases: ['covers', 'cover songs', 'cover versions', 'cover'] }),
  e({ kind: 'style', canonical: 'remixes', phrases: ['remix', 'remixes', 'remixed', 'edits', 'bootlegs'] }),
];

export const ERAS: readonly VocabularyEntry[] = [
  e({ kind: 'era', canonical: 'oldies', phrases: ['oldies', 'golden oldies', 'viejitas', 'antiguas', 'antigas', 'anciennes', 'vieilles chansons', 'alte lieder', 'oldies but goodies'], years: [1950, 1979] }),
  e({ kind: 'era', canonical: 'old-school', phrases: ['old school', 'oldschool', 'old skool', 'vintage'], years: [1970, 1999] }),
  e({ kind: 'era', canonical: 'retro', phrases: ['retro'], years: [1970, 1992] }),
  e({ kind: 'era', canonical: 'throwback', phrases: ['throwback', 'throwbacks', 'tbt', 'back in the day'], years: [1985, 2012] }),
  e({ kind: 'era', canonical: 'classics', phrases: ['classics', 'timeless', 'all time classics', 'evergreen'], years: [1960, 2005], discovery: 0.1 }),
  e({ kind: 'era', canonical: 'recent', phrases: ['nuevo', 'nuevos', 'nuevas', 'novo', 'novos', 'novas', 'nouveau', 'nouveautes', 'neu', 'neue', 'new', 'newest', 'latest', 'recent', 'current', 'fresh', 'this year', 'new releases', 'new music', 'brand new', 'modern'], years: { recentYears: 2 } }),
  e({ kind: 'era', canonical: 'older', phrases: ['older', 'older songs', 'older stuff', 'older music', 'older tracks', 'more old school', 'earlier stuff', 'mas antiguo', 'mas antiguas', 'plus ancien', 'plus anciens', 'alter', 'altere'], years: [1960, 2005], yearDirection: 'older', comparative: true }),
  e({ kind: 'era', canonical: 'newer', phrases: ['newer', 'newer songs', 'newer stuff', 'newer music', 'more recent', 'more modern', 'fresher', 'mas nuevo', 'mas nuevas', 'plus recent', 'plus recents', 'neuer', 'neuere'], years: { recentYears: 8 }, yearDirection: 'newer', comparative: true }),
  // Life stages: "in high school in 2008" means the years around 2008, not 2008 alone.
  e({ kind: 'era', canonical: 'school-years', phrases: ['high school', 'highschool', 'middle school', 'college', 'university', 'uni', 'my teens', 'growing up', 'when i was young', 'when i was a kid', 'as a kid', 'as a teenager', 'childhood', 'my youth', 'back then'], widenYears: 3, rationale: 'school years span several years around the one named' }),
  e({ kind: 'era', canonical: 'millennium', phrases: ['y2k', 'millennium'], years: [1997, 2004] }),
];

export const DISCOVERY: readonly VocabularyEntry[] = [
  e({ kind: 'discovery', canonical: 'popular', phrases: ['hits', 'hit songs', 'popular', 'top', 'top hits', 'mainstream', 'chart', 'charts', 'chart toppers', 'well known', 'greatest hits', 'famous', 'radio hits', 'most popular', 'more popular'], discovery: 0.1 }),
  e({ kind: 'discovery', canonical: 'deep-cuts', phrases: ['deep cuts', 'deep cut', 'underground', 'obscure', 'hidden gems', 'hidden gem', 'lesser known', 'little known', 'rare', 'b sides', 'underrated', 'unknown', 'niche', 'indie gems', 'discover', 'discovery', 'more obscure', 'deeper cuts', 'less popular', 'less mainstream'], discovery: 0.85 }),
];

export const TASTE: readonly VocabularyEntry[] = [
  e({ kind: 'taste', canonical: 'my-taste', phrases: ['my taste', 'my favorites', 'my favourites', 'my usual', 'what i like', 'what i listen to', 'for me', 'my style', 'personalized', 'personalised', 'more like my taste'], similarToUser: 0.85 }),
  e({ kind: 'taste', canonical: 'something-new', phrases: ['something different', 'something new', 'new to me', 'out of my comfort zone', 'surprise me', 'outside my bubble', 'branch out', 'explore', 'exploring'], similarToUser: 0.1, discovery: 0.7 }),
];

export const EXPLICITNESS: readonly VocabularyEntry[] = [
  e({ kind: 'explicit', canonical: 'clean', phrases: ['clean', 'clean versions', 'family friendly', 'kid friendly', 'kids', 'children', 'radio edit', 'radio edits', 'no swearing', 'no cursing', 'no profanity', 'no explicit', 'not explicit', 'non explicit', 'work safe', 'safe for work', 'sfw'], explicitAllowed: false }),
  e({ kind: 'explicit', canonical: 'explicit', phrases: ['explicit', 'explicit ok', 'uncensored', 'nsfw'], explicitAllowed: true }),
];

export const ARCS: readonly VocabularyEntry[] = [
  e({ kind: 'arc', canonical: 'rise', phrases: ['build up', 'building up', 'builds up', 'crescendo', 'ramp up', 'warm up', 'warmup', 'start slow', 'getting faster', 'build'], arc: 'rise' }),
  e({ kind: 'arc', canonical: 'fall', phrases: ['cool down', 'cooldown', 'come down', 'comedown', 'end slow', 'end calm', 'winding', 'taper off'], arc: 'fall' }),
  e({ kind: 'arc', canonical: 'rise-fall', phrases: ['peak in the middle', 'rise and fall', 'up and down', 'journey'], arc: 'rise-fall' }),
  e({ kind: 'arc', canonical: 'steady', phrases: ['steady', 'consistent', 'constant', 'same energy', 'steady energy'], arc: 'steady' }),
];

export const LENGTH_WORDS: readonly VocabularyEntry[] = [
  e({ kind: 'length', canonical: 'short', phrases: ['short playlist', 'short mix', 'quick playlist', 'quick mix', 'a few songs', 'few songs', 'handful of songs', 'short'], trackCount: 12 }),
  e({ kind: 'length', canonical: 'long', phrases: ['long playlist', 'long mix', 'lots of songs', 'many songs', 'all day', 'marathon', 'long'], trackCount: 60 }),
  e({ kind: 'length', canonical: 'longer', phrases: ['longer', 'more songs', 'more tracks', 'extend', 'extend it', 'make it longer', 'add more songs', 'add more tracks'], lengthScale: 1.5 }),
  e({ kind: 'length', canonical: 'shorter', phrases: ['shorter', 'fewer songs', 'fewer tracks', 'less songs', 'less tracks', 'cut it down', 'trim it', 'make it shorter'], lengthScale: 0.67 }),
];

/**
 * Genres people name that a catalog may spell differently or lack. When the catalog has the
 * genre (by compact key or alias), the catalog's spelling wins; otherwise the feature hints and
 * related catalog genres stand in, and the name is kept as a label.
 */
export const CURATED_GENRES: readonly VocabularyEntry[] = [
  e({ kind: 'genre', canonical: 'hip hop', phrases: ['hip hop', 'hiphop', 'hip-hop'], relatedGenres: ['rap', 'hip hop'], features: { speechiness: [0.08, 1] } }),
  e({ kind: 'genre', canonical: 'gangster rap', phrases: ['gangster rap', 'gangsta rap', 'gangsta', 'gangster', 'gangsta raps', 'gangster raps'], relatedGenres: ['gangster rap', 'rap'], features: { speechiness: [0.1, 1] } }),
  e({ kind: 'genre', canonical: 'southern hip hop', phrases: ['southern hip hop', 'southern rap', 'dirty south', 'dirty south rap'], relatedGenres: ['southern hip hop', 'rap'] }),
  e({ kind: 'genre', canonical: 'rap', phrases: ['rap', 'rapper', 'rappers', 'raps', 'rap music', 'musica rap', 'deutschrap', 'rap francais'], relatedGenres: ['rap', 'hip hop'], features: { speechiness: [0.1, 1] } }),
  e({ kind: 'genre', canonical: 'r&b', phrases: ['r&b', 'rnb', 'r n b', 'randb', 'rhythm and blues'], relatedGenres: ['r&b'] }),
  e({ kind: 'genre', canonical: 'edm', phrases: ['edm', 'electronic dance music', 'electronic dance'], relatedGenres: ['edm'], features: { energy: [0.6, 1] } }),
  e({ kind: 'genre', canonical: 'electronic', phrases: ['electronic', 'electronica', 'electro', 'electronic music', 'musica electronica', 'electronique', 'musique electronique', 'elektronisch', 'elektronische musik', 'elektro'], relatedGenres: ['electronic', 'electronica', 'edm'], features: { acousticness: [0, 0.4] } }),
  e({ kind: 'genre', canonical: 'trip-hop', phrases: ['trip hop', 'triphop', 'trip-hop', 'bristol sound'], relatedGenres: ['trip hop', 'downtempo', 'electronica'], features: { energy: [0.2, 0.65], tempo: [60, 115], valence: [0, 0.5] } }),
  e({ kind: 'genre', canonical: 'synth-pop', phrases: ['synth pop', 'synthpop', 'synth-pop', 'electropop', 'electro pop'], relatedGenres: ['synthpop', 'electropop', 'new wave'], features: { danceability: [0.5, 1], acousticness: [0, 0.35] } }),
  e({ kind: 'genre', canonical: 'new wave', phrases: ['new wave', 'newwave'], relatedGenres: ['new wave', 'synthpop', 'permanent wave'] }),
  e({ kind: 'genre', canonical: 'lo-fi', phrases: ['lo fi', 'lofi', 'lo-fi', 'lofi beats', 'lofi hip hop', 'chillhop', 'beats to study to'], relatedGenres: ['lo-fi beats', 'chillhop', 'lo-fi'], features: { energy: [0, 0.5], tempo: [60, 100] } }),
  e({ kind: 'genre', canonical: 'jazz', phrases: ['jazz', 'jazzy', 'smooth jazz', 'bebop', 'swing'], relatedGenres: ['jazz', 'smooth jazz', 'contemporary jazz'], features: { acousticness: [0.3, 1], energy: [0, 0.65] } }),
  e({ kind: 'genre', canonical: 'soul', phrases: ['soul', 'soulful', 'motown', 'neo soul', 'neosoul'], relatedGenres: ['soul', 'neo soul'] }),
  e({ kind: 'genre', canonical: 'funk', phrases: ['funk'], relatedGenres: ['funk', 'new jack swing'], features: { danceability: [0.6, 1] } }),
  e({ kind: 'genre', canonical: 'disco', phrases: ['disco', 'nu disco', 'nu-disco'], relatedGenres: ['disco', 'nu disco'], features: { danceability: [0.65, 1], energy: [0.6, 1] } }),
  e({ kind: 'genre', canonical: 'house', phrases: ['house', 'house music', 'deep house', 'tech house', 'tropical house', 'progressive house'], relatedGenres: ['house', 'deep house', 'electro house', 'progressive electro house'], features: { danceability: [0.6, 1], tempo: [115, 132] } }),
  e({ kind: 'genre', canonical: 'techno', phrases: ['techno'], relatedGenres: ['techno'], features: { energy: [0.65, 1], tempo: [120, 150], instrumentalness: [0.3, 1] } }),
  e({ kind: 'genre', canonical: 'trance', phrases: ['trance'], relatedGenres: ['trance', 'progressive house'], features: { energy: [0.65, 1], tempo: [125, 145] } }),
  e({ kind: 'genre', canonical: 'drum and bass', phrases: ['drum and bass', 'drum n bass', 'dnb', 'd and b', 'jungle'], relatedGenres: ['drum and bass'], features: { tempo: [160, 180], energy: [0.7, 1] } }),
  e({ kind: 'genre', canonical: 'dubstep', phrases: ['dubstep', 'brostep'], relatedGenres: ['dubstep'], features: { energy: [0.7, 1] } }),
  e({ kind: 'genre', canonical: 'ambient', phrases: ['ambient', 'drone', 'soundscapes'], relatedGenres: ['ambient'], features: { energy: [0, 0.35], instrumentalness: [0.4, 1] } }),
  e({ kind: 'genre', canonical: 'classical', phrases: ['classical', 'classical music', 'orchestral', 'symphony', 'symphonies', 'piano music', 'chamber music', 'baroque', 'clasica', 'musica clasica', 'classica', 'musica classica', 'classique', 'musique classique', 'klassik', 'klassische musik'], relatedGenres: ['classical'], features: { acousticness: [0.6, 1], instrumentalness: [0.5, 1], energy: [0, 0.5] } }),
  e({ kind: 'genre', canonical: 'rock', phrases: ['rock', 'rock and roll', 'rock n roll', 'rocknroll', 'rock music', 'musica rock', 'rockmusik'], relatedGenres: ['rock'] }),
  e({ kind: 'genre', canonical: 'indie', phrases: ['indie', 'indie rock', 'indie pop', 'alternative', 'alt', 'alt rock', 'alternative rock'], relatedGenres: ['indie', 'indie poptimism', 'permanent wave', 'alternative rock'] }),
  e({ kind: 'genre', canonical: 'punk', phrases: ['punk', 'pop punk', 'punk rock', 'post punk'], relatedGenres: ['punk', 'pop punk'], features: { energy: [0.75, 1] } }),
  e({ kind: 'genre', canonical: 'metal', phrases: ['metal', 'heavy metal', 'metalcore', 'thrash'], relatedGenres: ['metal', 'hard rock'], features: { energy: [0.8, 1] } }),
  e({ kind: 'genre', canonical: 'grunge', phrases: ['grunge'], relatedGenres: ['grunge', 'permanent wave', 'album rock'] }),
  e({ kind: 'genre', canonical: 'emo', phrases: ['emo'], relatedGenres: ['emo', 'pop punk'] }),
  e({ kind: 'genre', canonical: 'shoegaze', phrases: ['shoegaze', 'dream pop', 'dreampop'], relatedGenres: ['shoegaze', 'dream pop'], features: { energy: [0.2, 0.8] } }),
  e({ kind: 'genre', canonical: 'folk', phrases: ['folk', 'indie folk', 'folksy', 'singer songwriter', 'americana'], relatedGenres: ['folk', 'indie folk'], features: { acousticness: [0.45, 1] } }),
  e({ kind: 'genre', canonical: 'country', phrases: ['country', 'country music', 'country songs', 'bluegrass', 'honky tonk', 'musica country'], relatedGenres: ['country'] }),
  e({ kind: 'genre', canonical: 'blues', phrases: ['blues', 'bluesy', 'delta blues'], relatedGenres: ['blues'] }),
  e({ kind: 'genre', canonical: 'gospel', phrases: ['gospel', 'worship', 'christian'], relatedGenres: ['gospel'] }),
  e({ kind: 'genre', canonical: 'reggae', phrases: ['reggae', 'dub', 'roots reggae', 'ska'], relatedGenres: ['reggae'] }),
  e({ kind: 'genre', canonical: 'reggaeton', phrases: ['reggaeton', 'regueton', 'reggaetón', 'reguetón', 'perreo', 'dembow', 'reggeaton', 'regeton', 'reggaeton music'], relatedGenres: ['reggaeton'] }),
  e({ kind: 'genre', canonical: 'latin', phrases: ['latin', 'latino', 'latina', 'latinos', 'latinas', 'spanish', 'en espanol', 'latin music', 'musica latina', 'musique latine', 'lateinamerikanisch'], relatedGenres: ['latin'] }),
  e({ kind: 'genre', canonical: 'salsa', phrases: ['salsa', 'bachata', 'merengue', 'cumbia'], relatedGenres: ['salsa', 'tropical'] }),
  e({ kind: 'genre', canonical: 'afrobeats', phrases: ['afrobeats', 'afrobeat', 'afro beats', 'amapiano', 'afropop'], relatedGenres: ['afrobeats', 'afropop'] }),
  e({ kind: 'genre', canonical: 'dancehall', phrases: ['dancehall'], relatedGenres: ['dancehall', 'tropical'] }),
  e({ kind: 'genre', canonical: 'k-pop', phrases: ['k pop', 'kpop', 'k-pop', 'korean pop'], relatedGenres: ['k-pop'] }),
  e({ kind: 'genre', canonical: 'j-pop', phrases: ['j pop', 'jpop', 'j-pop', 'japanese pop', 'city pop'], relatedGenres: ['j-pop'] }),
  e({ kind: 'genre', canonical: 'pop', phrases: ['pop', 'pop music', 'musica pop', 'musique pop', 'popmusik'], relatedGenres: ['pop'] }),
  e({ kind: 'genre', canonical: 'trap', phrases: ['trap', 'trap music'], relatedGenres: ['trap'] }),
  e({ kind: 'genre', canonical: 'drill', phrases: ['drill', 'uk drill'], relatedGenres: ['drill'] }),
  e({ kind: 'genre', canonical: 'grime', phrases: ['grime'], relatedGenres: ['grime'] }),
  e({ kind: 'genre', canonical: 'synthwave', phrases: ['synthwave', 'retrowave', 'outrun', 'vaporwave', 'chillwave'], relatedGenres: ['synthwave', 'vaporwave', 'chillwave'], features: { acousticness: [0, 0.3] } }),
  e({ kind: 'genre', canonical: 'soundtrack', phrases: ['soundtrack', 'soundtracks', 'film score', 'movie music', 'ost'], relatedGenres: ['soundtrack'] }),
  e({ kind: 'genre', canonical: 'bossa nova', phrases: ['bossa nova', 'bossanova', 'mpb', 'samba'], relatedGenres: ['bossa nova', 'mpb'], features: { acousticness: [0.4, 1], energy: [0, 0.6] } }),
  e({ kind: 'genre', canonical: 'polka', phrases: ['polka', 'polkas'], relatedGenres: ['polka'], features: { valence: [0.6, 1], tempo: [100, 180] } }),
  e({ kind: 'genre', canonical: 'opera', phrases: ['opera', 'operas', 'arias', 'operatic', 'opera arias'], relatedGenres: ['opera'], features: { acousticness: [0.6, 1], energy: [0, 0.55], speechiness: [0, 0.1] } }),
  e({ kind: 'genre', canonical: 'tango', phrases: ['tango', 'tangos'], relatedGenres: ['tango'], features: { acousticness: [0.4, 1] } }),
  e({ kind: 'genre', canonical: 'flamenco', phrases: ['flamenco'], relatedGenres: ['flamenco'], features: { acousticness: [0.5, 1] } }),
  e({ kind: 'genre', canonical: 'fado', phrases: ['fado', 'fados'], relatedGenres: ['fado'], features: { acousticness: [0.5, 1], valence: [0, 0.5] } }),
  e({ kind: 'genre', canonical: 'celtic', phrases: ['celtic', 'irish folk', 'celtic music'], relatedGenres: ['celtic'], features: { acousticness: [0.4, 1] } }),
  e({ kind: 'genre', canonical: 'show tunes', phrases: ['show tunes', 'showtunes', 'broadway', 'musicals', 'musical theatre', 'musical theater'], relatedGenres: ['show tunes', 'broadway'] }),
  e({ kind: 'genre', canonical: 'schlager', phrases: ['schlager', 'volksmusik'], relatedGenres: ['schlager'], features: { valence: [0.55, 1] } }),
  e({ kind: 'genre', canonical: 'chanson', phrases: ['chanson francaise', 'chansons francaises', 'variete francaise', 'french chanson'], relatedGenres: ['chanson'] }),
  e({ kind: 'genre', canonical: 'sertanejo', phrases: ['sertanejo', 'forro', 'pagode'], relatedGenres: ['sertanejo', 'forro'] }),
  e({ kind: 'genre', canonical: 'mariachi', phrases: ['mariachi', 'ranchera', 'rancheras', 'corridos', 'norteno', 'regional mexican', 'musica mexicana'], relatedGenres: ['mariachi', 'regional mexican'] }),
  e({ kind: 'genre', canonical: 'new age', phrases: ['new age', 'world music', 'spa music'], relatedGenres: ['new age'], features: { energy: [0, 0.4], instrumentalness: [0.3, 1] } }),
  e({ kind: 'genre', canonical: "children's music", phrases: ['childrens music', 'kids songs', 'nursery rhymes', 'kinderlieder', 'canciones infantiles'], relatedGenres: ["children's music"], features: { valence: [0.6, 1] } }),
  e({ kind: 'genre', canonical: 'hyperpop', phrases: ['hyperpop', 'hyper pop', 'pc music'], relatedGenres: ['hyperpop'] }),
];

/**
 * People and occasions: who the music is for says something about when it is from or how it
 * should feel. Each carries its rationale, which reaches the plan and the playlist description.
 */
export const OCCASIONS: readonly VocabularyEntry[] = [
  e({ kind: 'era', canonical: 'grandparents', phrases: ['grandmother', 'grandmothers', 'grandma', 'grandmas', 'granny', 'grannie', 'grandfather', 'grandfathers', 'grandpa', 'grandpas', 'grandad', 'granddad', 'grandparents', 'grandparent', 'abuela', 'abuelas', 'abuelo', 'abuelos', 'vovo', 'meus avos', 'grand mere', 'grand pere', 'grands parents', 'mamie', 'papy', 'oma', 'opa', 'grosseltern'], years: [1955, 1985], rationale: "music from a grandparent's youth (1955–1985)" }),
  e({ kind: 'era', canonical: 'parents', phrases: ['my mom', 'my moms', 'my mum', 'my mums', 'my mother', 'my mothers', 'my dad', 'my dads', 'my father', 'my fathers', 'my parents', 'parents', 'for mom', 'for dad', 'mothers day', 'fathers day', 'mi mama', 'mi papa', 'mis padres', 'minha mae', 'meu pai', 'meus pais', 'ma mere', 'mon pere', 'mes parents', 'meine mutter', 'mein vater', 'meine eltern', 'eltern'], years: [1970, 1999], rationale: "music from a parent's youth (1970s–90s)" }),
  e({ kind: 'era', canonical: 'teenagers', phrases: ['teenage', 'teenager', 'teenagers', 'teen', 'teens', 'adolescente', 'adolescentes', 'jugendliche'], years: { recentYears: 10 }, rationale: 'current music for a teenager (the last ten years)' }),
  e({ kind: 'activity', canonical: 'birthday', phrases: ['birthday', 'birthday party', 'bday', 'b day', 'birthday bash', 'cumpleanos', 'aniversario', 'anniversaire', 'geburtstag', 'geburtstagsparty', 'kids party', 'kids birthday party'], features: { valence: [0.55, 1], danceability: [0.6, 1] }, arc: 'rise-fall', rationale: 'a birthday party wants happy, danceable songs' }),
  e({ kind: 'activity', canonical: 'wedding', phrases: ['wedding', 'first dance', 'wedding dance', 'our first dance', 'slow dance', 'slow dancing', 'boda', 'casamento', 'mariage', 'hochzeit', 'hochzeitstanz'], features: { energy: [0, 0.6], valence: [0.3, 0.85] }, arc: 'steady', rationale: 'a first dance wants slow, warm songs' }),
  e({ kind: 'activity', canonical: 'wedding party', phrases: ['wedding party', 'wedding reception'], features: { energy: [0.6, 1], danceability: [0.65, 1] }, arc: 'rise-fall', rationale: 'a reception wants songs people dance to' }),
  e({ kind: 'activity', canonical: 'memorial', phrases: ['funeral', 'memorial', 'memorial service', 'funeral service', 'entierro', 'enterrement', 'beerdigung', 'trauerfeier'], features: { energy: [0, 0.5], valence: [0, 0.55] }, arc: 'steady', rationale: 'a memorial wants quiet, reflective songs' }),
  e({ kind: 'activity', canonical: 'baby', phrases: ['babys nap', 'baby nap', 'for my baby', 'for the baby', 'newborn', 'baby shower', 'nursery'], features: { energy: [0, 0.45] }, arc: 'wind-down', rationale: 'a baby wants soft, calm songs' }),
];

export const ALL_VOCABULARY: readonly VocabularyEntry[] = [
  ...MOODS,
  ...OCCASIONS,
  ...ACTIVITIES,
  ...FEELS,
  ...STYLES,
  ...ERAS,
  ...DISCOVERY,
  ...TASTE,
  ...EXPLICITNESS,
  ...ARCS,
  ...LENGTH_WORDS,
];

/** Decade words: "eighties" → 1980. Digit forms ("80s", "1980s", "'80s") are parsed as numbers. */
export const DECADE_WORDS: Readonly<Record<string, number>> = {
  twenties: 1920,
  thirties: 1930,
  forties: 1940,
  fifties: 1950,
  sixties: 1960,
  seventies: 1970,
  eighties: 1980,
  nineties: 1990,
  noughties: 2000,
  aughts: 2000,
  naughties: 2000,
  tens: 2010,
};

export const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  dozen: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
  hundred: 100,
  couple: 2,
  few: 3,
};

/**
 * Words that are too common to be read as an artist name unless a cue says so ("like X",
 * "no X", "by X"): without this, "future", "halsey"-free prompts like "songs for the future"
 * would seed the rapper Future.
 */
export const COMMON_WORDS: ReadonlySet<string> = new Set(
  (
    'a an the and or nor of for to in on at by with without from into onto over under up down out off about as is are was ' +
    'be been being am do does did done have has had i me my mine we us our you your he him his she her they them their it its ' +
    'this that these those what which who whom whose when where why how all any both each few more most other some such no not ' +
    'only own same so than too very can will just should now also but if then else once here there again further ' +
    'song songs track tracks tune tunes music playlist playlists mix mixes list album albums artist artists band bands record ' +
    'records sound sounds vibe vibes vibey feel feeling feelings mood moods style genre genres please want need give make get ' +
    'play put let lets something anything nothing everything stuff things thing kind sort type bit little lot lots really ' +
    'love loves lover lovers life live alive light lights night nights day days time times world home heart hearts soul ' +
    'fire water sun moon star stars sky rain summer winter spring fall autumn baby girl girls boy boys man men woman women ' +
    'friend friends family people person king queen kings queens gold silver black white blue red green young old new good ' +
    'bad best better big small high low long short hot cold sweet wild free dream dreams dreamer happy sad chill calm dark ' +
    'future past present today tomorrow yesterday forever always never maybe yes yeah okay ok oh hey hello bye one two three ' +
    'four five six seven eight nine ten first last next go going gone come coming run running walk dance dancing party ' +
    'work study sleep drive driving road city town country state land sea ocean river mountain island paradise heaven hell ' +
    'angel angels devil god ghost ghosts magic wave waves storm thunder wind air earth space planet rocket rock pop jazz ' +
    'blues soul funk house trap latin rap indie electronic classic classics cover covers remix remixes acoustic instrumental ' +
    'energy power money cash rich crazy lucky honey sugar candy cherry peach lemon apple jungle tiger lion wolf bear bird ' +
    'birds fox cat dog horse shark dragon phoenix zero hero heroes saint saints sinner sinners prince princess crown empire ' +
    'kingdom nation army war peace unity harmony rhythm melody beat beats bass drum drums guitar piano voice voices echo ' +
    'echoes shadow shadows silence noise loud quiet slow fast upbeat mellow smooth soft hard heavy deep disco club rave ' +
    'morning evening midnight weekend monday friday saturday sunday holiday christmas halloween summer sunshine sunset sunrise ' +
    'rainbow diamond diamonds crystal glass mirror paper stone steel iron velvet silk neon electric atomic cosmic golden ' +
    'wonder wonders miracle miracles memory memories story stories secret secrets truth lie lies chance change' +
    ' reading gym workout focus dinner cooking commute yoga' +
    // words of prompt-injection attempts: never read as artist names ("The Script", "System")
    ' script scripts system prompt prompts instruction instructions command commands ignore previous output code data ' +
    'table tables rule rules admin user users assistant developer mode jailbreak override token tokens secret key keys ' +
    'west east north south coast coastal game games basketball football soccer sport sports team'
  ).split(/\s+/),
);
