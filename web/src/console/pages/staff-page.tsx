import { useState } from 'react';
import { SelectField, TextField } from '../components/field';
import { Done, Empty, ErrorNotice, FormErrors, Loading } from '../components/notices';
import { PageTitle } from '../components/page-title';
import { fieldErrors } from '../lib/http';
import { useSession } from '../lib/session';
import type { Role, StaffMember } from '../lib/types';
import { useApi } from '../lib/use-api';
import { call, send } from '../lib/client';

const blank: StaffMember = { email: '', name: '', role: 'coordinator', studies: [] };
const inputs: Record<string, string> = { email: 'staff-email', name: 'staff-name', role: 'staff-role', studies: 'staff-studies' };

/** Admins: who may sign in, with which role, on which studies. Changes apply on the member's next request. */
export function StaffPage() {
  const staff = useApi(call('get', '/api/staff'));
  const [form, setForm] = useState<StaffMember>(blank);
  const [editing, setEditing] = useState(false);
  return (
    <>
      <PageTitle title="Staff">
        <p className="muted">Coordinators enrol and manage participants; analysts export data and never see contact details; admins do everything, on every study.</p>
      </PageTitle>
      <section className="card" aria-labelledby="staff-list-heading">
        <h2 id="staff-list-heading">Accounts</h2>
        <ErrorNotice error={staff.error} />
        {staff.data === undefined ? (
          staff.error ? null : <Loading />
        ) : staff.data.staff.length === 0 ? (
          <Empty>No staff accounts.</Empty>
        ) : (
          <div className="table-wrap" role="region" aria-labelledby="staff-caption" tabIndex={0}>
            <table>
              <caption id="staff-caption" className="visually-hidden">
                Staff accounts, their roles and studies
              </caption>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Studies</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...staff.data.staff]
                  .sort((a, b) => a.email.localeCompare(b.email))
                  .map((m) => (
                    <tr key={m.email}>
                      <th scope="row">{m.email}</th>
                      <td>{m.name}</td>
                      <td>{m.role}</td>
                      <td>{m.role === 'admin' ? 'all' : m.studies.join(', ') || 'none'}</td>
                      <td>
                        <button
                          type="button"
                          className="secondary small"
                          onClick={() => {
                            setForm(m);
                            setEditing(true);
                            setTimeout(() => document.getElementById('staff-name')?.focus());
                          }}
                        >
                          Edit {m.email}
                        </button>{' '}
                        <RemoveStaff member={m} onRemoved={staff.reload} />
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <StaffForm
        key={`${form.email}/${editing}`}
        initial={form}
        editing={editing}
        onSaved={() => {
          staff.reload();
        }}
        onReset={() => {
          setForm(blank);
          setEditing(false);
        }}
      />
    </>
  );
}

/**
 * Removes an account after a second click; its sessions stop working at once. Not offered for
 * your own account (the server refuses that too), so an admin always remains.
 */
function RemoveStaff({ member, onRemoved }: { member: StaffMember; onRemoved: () => void }) {
  const { me } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  if (member.email === me.email) return null;
  if (!confirming) {
    return (
      <button type="button" className="danger small" onClick={() => setConfirming(true)}>
        Remove {member.email}…
      </button>
    );
  }
  return (
    <span role="group" aria-label={`Confirm removal of ${member.email}`}>
      <ErrorNotice error={error} />
      <button
        type="button"
        className="danger small"
        disabled={busy}
        autoFocus
        onClick={() => {
          setBusy(true);
          setError(undefined);
          send(call('delete', '/api/staff/:email', { params: { email: member.email } }))
            .then(onRemoved, setError)
            .finally(() => setBusy(false));
        }}
      >
        Confirm: remove {member.email} and end their sessions
      </button>{' '}
      <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}

function StaffForm({ initial, editing, onSaved, onReset }: { initial: StaffMember; editing: boolean; onSaved: () => void; onReset: () => void }) {
  const { studies } = useSession();
  const [member, setMember] = useState<StaffMember>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [saved, setSaved] = useState<string | null>(null);
  const errors = fieldErrors(error);
  return (
    <section className="card" aria-labelledby="staff-form-heading">
      <h2 id="staff-form-heading">{editing ? `Change ${initial.email}` : 'Add a staff member'}</h2>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          setSaved(null);
          send(call('put', '/api/staff/:email', { params: { email: member.email.trim() }, body: { name: member.name, role: member.role, studies: member.role === 'admin' ? [] : member.studies } }))
            .then(() => {
              setSaved(member.email.trim());
              onSaved();
            }, setError)
            .finally(() => setBusy(false));
        }}
      >
        <FormErrors error={error} inputFor={(f) => inputs[f]} />
        <div className="grid-3">
          <TextField id="staff-email" label="Email" type="email" required readOnly={editing} value={member.email} error={errors.email} onChange={(e) => setMember({ ...member, email: e.target.value })} />
          <TextField id="staff-name" label="Name" required value={member.name} error={errors.name} onChange={(e) => setMember({ ...member, name: e.target.value })} />
          <SelectField id="staff-role" label="Role" value={member.role} error={errors.role} onChange={(e) => setMember({ ...member, role: e.target.value as Role })}>
            <option value="coordinator">Coordinator</option>
            <option value="analyst">Analyst</option>
            <option value="admin">Admin</option>
          </SelectField>
        </div>
        {member.role !== 'admin' && (
          <fieldset id="staff-studies" className={errors.studies ? 'has-error' : undefined}>
            <legend>Studies</legend>
            {errors.studies && <p className="field-error">{errors.studies}</p>}
            {(studies ?? []).map((s) => (
              <div className="check" key={s.id}>
                <input
                  id={`staff-study-${s.id}`}
                  type="checkbox"
                  checked={member.studies.includes(s.id)}
                  onChange={(e) => setMember({ ...member, studies: e.target.checked ? [...member.studies, s.id] : member.studies.filter((id) => id !== s.id) })}
                />
                <label htmlFor={`staff-study-${s.id}`}>
                  {s.name} <span className="muted">({s.id})</span>
                </label>
              </div>
            ))}
          </fieldset>
        )}
        <div className="actions">
          <button type="submit" disabled={busy}>
            {editing ? 'Save changes' : 'Add staff member'}
          </button>
          {editing && (
            <button type="button" className="secondary" onClick={onReset}>
              Add someone else instead
            </button>
          )}
        </div>
      </form>
      {saved && <Done>Saved {saved}. It takes effect on their next request.</Done>}
    </section>
  );
}
