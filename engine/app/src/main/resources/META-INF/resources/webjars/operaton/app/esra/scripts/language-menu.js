/*
 * A language choice in the webapps' user menu (Operaton has none): "Хэл / Language" with Монгол and English,
 * between "My profile" and "Log out". Loaded as a custom script (config.js `customScripts`) before the app
 * starts; it adds the entries to the template of the header widget (camWidgetHeader) that every webapp uses.
 */

import {LANGUAGES, chooseLanguage, webappLanguage} from './webapp-language.js';

const LOGOUT_ITEM = '<li class="logout">';
const MENU_ITEMS =
  '<li class="dropdown-header esra-language-heading" style="padding: 3px 9px">Хэл / Language</li>' +
  Object.keys(LANGUAGES)
    .map(language => `<li class="esra-language" esra-language-choice="${language}"></li>`)
    .join('') +
  '<li class="divider"></li>';

function languageChoice() {
  const current = webappLanguage();
  return {
    restrict: 'A',
    link: function(scope, element, attrs) {
      const language = attrs.esraLanguageChoice;
      const link = document.createElement('a');
      link.href = '';
      link.lang = language;
      link.textContent = LANGUAGES[language];
      if (language === current) {
        element.addClass('active');
        link.setAttribute('aria-current', 'true');
      }
      link.addEventListener('click', event => {
        event.preventDefault();
        if (language !== current) {
          chooseLanguage(language);
        }
      });
      element.append(link);
    }
  };
}

function addToUserMenu($delegate) {
  const header = $delegate[0];
  if (header.template.indexOf(LOGOUT_ITEM) < 0) {
    console.error('language-menu: the header has no log-out item; no language choice added'); // eslint-disable-line
  }
  header.template = header.template.replace(LOGOUT_ITEM, MENU_ITEMS + LOGOUT_ITEM);
  return $delegate;
}

const app = /\/app\/([\w-]+)\//.exec(window.location.pathname)[1]; // tasklist, cockpit or welcome
const custom = window.angular.module(`cam.${app}.custom`); // created by the app before custom scripts load

custom.directive('esraLanguageChoice', languageChoice);
custom.config([
  '$provide',
  function($provide) {
    $provide.decorator('camWidgetHeaderDirective', ['$delegate', addToUserMenu]);
  }
]);
