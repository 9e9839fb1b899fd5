import json from './vocabulary.json';
import { parseVocabulary, type Vocabulary } from '../vocabulary';

/** The answer of GET /api/v1/vocabulary as the server serves it (for unit tests). */
export const VOCABULARY_JSON: unknown = json;

/** The vocabulary of VOCABULARY_JSON, read (for unit tests). */
export const TEST_VOCABULARY: Vocabulary = parseVocabulary(json);
