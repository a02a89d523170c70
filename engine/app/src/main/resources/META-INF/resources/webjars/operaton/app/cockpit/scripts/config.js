/*
 * Cockpit's configuration for ESRA, in place of the webjar's scripts/config.js (this application's resources come
 * first on the class path; the webjar's file sets nothing). Language: ../../esra/scripts/webapp-language.js.
 */

import {localesConfig} from '../../esra/scripts/webapp-language.js';

export default {
  locales: localesConfig(),
  customScripts: ['../esra/scripts/language-menu']
};
