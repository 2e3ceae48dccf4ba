// One way for the console's pages to run what they ask of the server: a busy flag while
// it runs, the outcome as a message (the error in the user's language, with the field
// it is about) or a notice, and an expired session sent back to the sign-in form.
import { ref } from 'vue'
import { account } from '../shared/auth.js'
import { errorMessage } from '../shared/i18n.js'

/** { message, notice, busy, run(work) }; onError(err) runs after a failure is shown. */
export function useAction({ onError } = {}) {
  const message = ref('')
  const notice = ref('')
  const busy = ref(false)

  async function run(work) {
    message.value = ''
    notice.value = ''
    busy.value = true
    try {
      await work()
    } catch (err) {
      if (err.status === 401) account.value = null
      message.value = err.field ? `${errorMessage(err)}（${err.field}）` : errorMessage(err)
      await onError?.(err)
    } finally {
      busy.value = false
    }
  }

  return { message, notice, busy, run }
}
