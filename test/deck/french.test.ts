/**
 * The 2016 text had spelling slips; the port fixed them. These are the ones a reader noticed, kept here so
 * an edit cannot bring them back. Code blocks (real command output) are not checked.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeck } from '../../src/deck/load.ts';

const MISSPELLINGS = [
  'nécéssaire',
  'nécéssite',
  'nécécaire',
  'actvité',
  'Connaitre',
  'connaitre',
  'maitriser',
  'couteux',
  'couteuse',
  'HYPREVISEUR',
  'comminication',
  'éumlation',
  'êter',
  'réinterpretées',
  'authoris',
  'authorise',
  'intérruptions',
  'entée/sortie',
  'amélioration matérielles',
  'succes ',
  'gérér',
  "l'orde",
  'comande ',
  'rationnaliser',
  'placant',
  'over-subscrition',
  'optimser',
  'virtualistion',
  'appélé',
  "l'éffort",
  'détiens',
  'déploiments',
  'communaté',
  'intéropérabilité',
  'proteger',
  'developpeurs',
  'Mutliples',
  'pojet',
  'Lorqu',
  'librairy',
  'Orchestartion',
  'operationnelle',
  'heberge les',
  'Opensatck',
  'utilent',
  'transparante',
  'fournirra',
  'requètes',
  'dique minimum',
  'Cepandant',
  'empeche',
  'spécifé',
  'suffisament',
  'adminitrateur',
  'accèssible',
  "L'utlistation",
  'personnalistion',
  "l'ulitsateur",
  'paramétérés',
  'Etudions',
  "qu'il c'est passé",
  'flexibilté',
  'aspets',
  'indépendemment',
  'cherher',
  'physques',
  'OpenvSwicth',
  'Linux-brdige',
  'autosacling',
  'son manipulables',
  'parametre',
  'si ils',
  'CLoud',
  'nous intéresse c',
  'gràce',
  'privilègiera',
  'localment',
  'ce trouvant',
  'monte se fichier',
  'utliser',
  'pas __Cloud Computing__',
  'éxecution',
];
// "resources" is right in the English quotes the author keeps ("Shared processing resources"), wrong in French.
const FRENCH_RESOURCES = /\b(?:des|les|aux|ses|leurs|de|une|la) resources?\b/;

describe('the French of the slides', () => {
  const { deck } = loadDeck(join(import.meta.dirname, '..', '..', 'slides'));
  const prose = deck.slides.map((slide) => ({
    where: `slides/${slide.file}:${slide.line}`,
    text: slide.raw.replace(/^```[\s\S]*?^```/gm, ''),
  }));

  it('has none of the 2016 misspellings', () => {
    const found = prose.flatMap(({ where, text }) =>
      [...MISSPELLINGS.filter((word) => text.includes(word)), ...(text.match(FRENCH_RESOURCES) ?? [])].map(
        (word) => `${where}: « ${word} »`,
      ),
    );
    expect(found).toEqual([]);
  });

  it('writes OpenStack with its capital S in prose', () => {
    const found = prose
      .filter(({ text }) => /(?<![A-Za-z])Openstack(?![A-Za-z])/.test(text.replace(/\]\([^)]*\)/g, '')))
      .map((p) => p.where);
    expect(found).toEqual([]);
  });

  // The 2016 text wrote VMWare, Cloudstack, OpenVSwitch; the notes may quote it, the slides may not.
  it('writes VMware, vCenter, CloudStack and Open vSwitch as their makers do, on the slides', () => {
    const shown = deck.slides.map((slide) => ({
      where: `slides/${slide.file}:${slide.line}`,
      text: slide.content.replace(/^```[\s\S]*?^```/gm, '').replace(/\]\([^)]*\)/g, ''),
    }));
    const found = shown.flatMap(({ where, text }) =>
      (text.match(/VMWare|Vcenter|VCenter|Cloudstack|OpenVSwitch|Open VSwitch|OpenvSwitch/g) ?? []).map(
        (word) => `${where}: « ${word} »`,
      ),
    );
    expect(found).toEqual([]);
  });
});
