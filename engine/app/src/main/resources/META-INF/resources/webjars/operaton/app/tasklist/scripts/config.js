/*
 * Tasklist's configuration for ESRA, in place of the webjar's scripts/config.js (this application's resources
 * come first on the class path). Language: ../../esra/scripts/webapp-language.js. Everything else is Operaton's
 * default, as in the webjar's file; the shortcut descriptions show in the "Keyboard shortcuts" dialog.
 */

import {localesConfig, webappLanguage} from '../../esra/scripts/webapp-language.js';

const mongolian = webappLanguage() === 'mn';

export default {
  locales: localesConfig(),
  customScripts: ['../esra/scripts/language-menu'],
  shortcuts: {
    claimTask: {
      key: 'ctrl+alt+c',
      description: mongolian ? 'сонгосон даалгаврыг өөртөө авна' : 'claims the currently selected task'
    },
    focusFilter: {
      key: 'ctrl+shift+f',
      description: mongolian
        ? 'жагсаалтын эхний шүүлтүүр рүү шилжинэ'
        : 'set the focus to the first filter in the list'
    },
    focusList: {
      key: 'ctrl+alt+l',
      description: mongolian
        ? 'жагсаалтын эхний даалгавар руу шилжинэ'
        : 'sets the focus to the first task in the list'
    },
    focusForm: {
      key: 'ctrl+alt+f',
      description: mongolian
        ? 'даалгаврын маягтын эхний талбар руу шилжинэ'
        : 'sets the focus to the first input field in a task form'
    },
    startProcess: {
      key: 'ctrl+alt+p',
      description: mongolian ? 'процесс эхлүүлэх цонхыг нээнэ' : 'opens the start process modal dialog'
    }
  }
};
