// One way for the resident's forms to send and show what went wrong: a field
// error goes under its field (by the server's `field`), anything else above
// the button. Nothing is sent twice while a request is on its way.
import { reactive, ref } from 'vue'
import { errorMessage } from '../shared/i18n.js'

/** `fields`: the names whose errors show in place. */
export function useForm(fields) {
  const errors = reactive(Object.fromEntries(fields.map((name) => [name, ''])))
  const message = ref('')
  const busy = ref(false)

  async function submit(work) {
    if (busy.value) return
    for (const name of fields) errors[name] = ''
    message.value = ''
    busy.value = true
    try {
      await work()
    } catch (err) {
      if (err.field && err.field in errors) errors[err.field] = errorMessage(err)
      else message.value = errorMessage(err)
    } finally {
      busy.value = false
    }
  }

  return { errors, message, busy, submit }
}
