/*
 * The language of Operaton's webapps (Tasklist, Cockpit, Welcome) for ESRA's staff: Mongolian, whatever the
 * browser's language, unless English was chosen in the user menu (language-menu.js; this browser remembers it).
 *
 * Each app's scripts/config.js takes its `locales` from here: one available locale that is also the fallback,
 * so the webapp loads exactly one file, locales/mn.json or the webjar's locales/en.json. mn.json has every key
 * of en.json (English where no Mongolian exists yet), so no key is ever shown raw.
 */

export const LANGUAGES = {mn: 'Монгол', en: 'English'};
export const DEFAULT_LANGUAGE = 'mn';
export const CHOICE_KEY = 'esra.webapps.language'; // localStorage, shared by the webapps (same origin)

function known(language) {
  return Object.prototype.hasOwnProperty.call(LANGUAGES, language);
}

export function chosenLanguage() {
  try {
    const chosen = window.localStorage.getItem(CHOICE_KEY);
    return known(chosen) ? chosen : null;
  } catch (error) {
    return null; // storage disabled: no remembered choice
  }
}

export function webappLanguage() {
  return chosenLanguage() || DEFAULT_LANGUAGE;
}

/** Remember the staff member's choice and load the webapp again in that language. */
export function chooseLanguage(language) {
  if (!known(language)) {
    throw new Error(`unknown webapp language: ${language}`);
  }
  window.localStorage.setItem(CHOICE_KEY, language);
  window.location.reload();
}

/** The `locales` entry of a webapp's config.js. */
export function localesConfig() {
  const language = webappLanguage();
  return {availableLocales: [language], fallbackLocale: language};
}
