import 'leaflet/dist/leaflet.css';
import '../shared/styles.css';
import '../features/embed/embed.css';
import { startEmbed } from '../features/embed/run';

// The embedded map (embed.html, served at /embed): see run.ts.
void startEmbed();
