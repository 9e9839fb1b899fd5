import 'leaflet/dist/leaflet.css';
import '../styles.css';
import './embed.css';
import { startEmbed } from './run';

// The embedded map (embed.html, served at /embed): see run.ts.
void startEmbed();
