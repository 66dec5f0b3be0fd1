/**
 * Printed words, in Danish and English. Lines are broken by hand so that the PDF and the SVG break
 * them alike; test/key-card/layout.test.ts checks with the real font that every line fits its panel.
 */
export const COVER_TITLE = 'NemID';
export const COVER_SUBTITLE = 'NØGLEKORT · KEY CARD';
export const CARD_NUMBER_LABEL = 'Kortnummer · Card number';
export const INSTRUCTIONS_DA = [
  'Log på med dit bruger-id og din adgangskode. Når skærmen viser et',
  'nøglenummer, så find det på kortet og indtast nøglen ved siden af.',
  'Hver nøgle bruges kun én gang. Mister du kortet, så spær det straks.',
];
export const INSTRUCTIONS_EN = [
  'Log on with your user ID and password. When the screen shows a key',
  'number, find it on this card and type the key printed next to it.',
  'Each key is used only once. If you lose the card, block it at once.',
];
export const COVER_FOOTER = 'Kortet er personligt og udløber ikke · Personal, never expires';
export const PANEL_RANGE_LABEL = 'Nøglenr. · Key no.';

export const MAGNA_TITLE = 'NemID nøglekort · key card';
export const MAGNA_INSTRUCTIONS = [
  'Find nøglenummeret og indtast nøglen ved siden af.',
  'Find the key number and type the key next to it.',
];
